import AnonymousSummary
import UsageReport
import DifferentialPrivacy
import TestSupport
import Foundation
import XCTest

/// What the README shows is what runs.
final class DocumentationTests: XCTestCase {
    func testTheREADMEsIntegrationCodeIsTheHostExamplesCode() throws {
        let root = TestPaths.repositoryRoot
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(contentsOf: root.appendingPathComponent("Examples/Host/Sources/ExampleHost/main.swift"), encoding: .utf8)
        let begin = try XCTUnwrap(readme.range(of: "<!-- BEGIN Examples/Host/Sources/ExampleHost/main.swift -->"))
        let end = try XCTUnwrap(readme.range(of: "<!-- END -->", range: begin.upperBound..<readme.endIndex))
        var block = String(readme[begin.upperBound..<end.lowerBound])
        block = block.replacingOccurrences(of: "```swift\n", with: "").replacingOccurrences(of: "```\n", with: "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertGreaterThan(block.split(separator: "\n").count, 20)
        XCTAssertTrue(example.contains(block), "the README's integration code is not a verbatim part of Examples/Host's main.swift")
    }

    func testEveryDocumentTheREADMELinksExists() throws {
        let root = TestPaths.repositoryRoot
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let links = readme.split(separator: "](").dropFirst().compactMap { $0.split(separator: ")").first.map(String.init) }
            .filter { !$0.hasPrefix("http") && !$0.hasPrefix("#") }
        XCTAssertGreaterThan(links.count, 8)
        for link in links {
            let path = String(link.split(separator: "#").first ?? "")
            XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path), "README links to \(link), which is missing")
        }
    }

    /// The install lines work on a machine where ~/.local/bin does not exist yet, and say how to
    /// put it on PATH.
    func testTheREADMEsInstallLinesCreateTheirDirectoryAndSayHowToReachIt() throws {
        let readme = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let mkdir = try XCTUnwrap(readme.range(of: "mkdir -p ~/.local/bin"), "the directory is created")
        let install = try XCTUnwrap(readme.range(of: "install \"$(swift build -c release --show-bin-path)/anonymous-summary\" ~/.local/bin/"))
        XCTAssertLessThan(mkdir.lowerBound, install.lowerBound, "before the binary is copied into it")
        XCTAssertTrue(readme.contains(#"export PATH="$HOME/.local/bin:$PATH""#), "how to put it on PATH")
    }
}
