import Foundation
import XCTest

/// `report`'s CSVs have no comment line.
extension CLITests {
    /// The exact and LDP CSVs start with their header; the notice is a row of the same columns.
    func testTheCSVsHaveNoCommentLine() throws {
        let exact = try run(["report", "--release", "exact", "--format", "csv", "-"],
                            stdin: payloads(0..<12, #"{"type":"input","name":"kafka"}"#)).stdout
        let ldp = try run(["report", "--release", "ldp", "--min-instances", "1", "--format", "csv", "-"], stdin: try ldpLines(3, ones: false)).stdout
        for (csv, notice) in [(exact, "NOT FOR PUBLICATION"), (ldp, "LDP payloads only")] {
            let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            XCTAssertTrue(lines.first?.hasPrefix("section,type,name,") ?? false, csv)
            XCTAssertFalse(lines.contains { $0.hasPrefix("#") }, csv)
            XCTAssertTrue(lines.dropFirst().first?.hasPrefix("notice,,\"\(notice)") ?? false, csv)
            XCTAssertTrue(lines.dropFirst().first?.hasSuffix("\"" + String(repeating: ",", count: 13)) ?? false, "16 columns: \(csv)")
        }
    }
}
