import Primitives
import SummaryChecks
import TestSupport
import AnonymousSummary
import Foundation
import XCTest

/// The payload is public: for every real config of ../shared/benthos-corpus, the summariser
/// gives byte for byte the payload (or the error) recorded in Tests/Golden (written by
/// `Scripts/golden-payloads`). A change is deliberate: rewrite the file, say so in CHANGELOG.md.
final class GoldenPayloadTests: XCTestCase {
    func testEveryCorpusConfigGivesItsRecordedPayload() throws {
        let corpus = try TestPaths.sharedFixture("benthos-corpus")
        let golden = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("Tests/Golden/benthos-corpus-payloads.tsv"),
                                encoding: .utf8)
        let id = try XCTUnwrap(InstanceID(parsing: "00000000-0000-4000-8000-000000000000"))
        var checked = 0
        for row in golden.split(separator: "\n") {
            let parts = row.split(separator: "\t", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { XCTFail("bad golden row: \(row)"); continue }
            let (name, expected) = (parts[0], parts[1])
            let bytes = try Array(Data(contentsOf: corpus.appendingPathComponent(name)))
            let got: String
            do {
                let usage = try Summariser().usage(of: [ConfigSource(bytes, role: .main, name: name)])
                got = Summary(id: id, uptimeSeconds: 0, usage: usage).jsonString()
            } catch {
                got = "error \(error.description)"
            }
            XCTAssertEqual(got, expected, name)
            checked += 1
        }
        let configs = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
        XCTAssertEqual(checked, configs.count, "every corpus config has a golden row")
        print("golden payloads: \(checked) configs, byte for byte")
    }
}
