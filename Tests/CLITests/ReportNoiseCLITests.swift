import AnonymousSummary
import UsageReport
import DifferentialPrivacy
import TestSupport
import Foundation
import XCTest

/// `report` says when its numbers are noise, and its CSVs have no comment line.
extension CLITests {
    /// A few hundred instances: the release is printed, every kind with its section, and one
    /// line on standard error says the figures are mostly noise and what to do.
    func testASmallCollectionsReleaseSaysItIsNoiseInOneLine() throws {
        let input = payloads(0..<300, #"{"type":"input","name":"kafka"},{"type":"output","name":"aws_s3"}"#)
        for format in ["table", "json", "csv", "svg"] {
            let r = try run(["report", "--no-ledger", "--format", format, "-"], stdin: input)
            XCTAssertEqual(r.status, 0, r.stderr)
            let warnings = r.stderr.split(separator: "\n").filter { $0.contains("noise") }
            XCTAssertEqual(warnings.count, 1, "\(format): \(r.stderr)")
            let line = String(warnings.first ?? "")
            XCTAssertTrue(line.hasPrefix("report: this release is mostly noise: it rests on "), line)
            XCTAssertTrue(line.contains("fewer than the 1,000"), line)
            XCTAssertTrue(line.contains("Collect payloads for longer") && line.contains("--release exact"), line)
            if format == "table" {
                for kind in ["buffer", "cache", "input", "metrics", "output", "processor", "rate_limit", "scanner", "tracer"] {
                    XCTAssertTrue(r.stdout.contains("\n\(kind) plugins ("), "\(kind): \(r.stdout)")
                }
            }
        }
        // The exact view has no noise to warn about.
        let exact = try run(["report", "--release", "exact", "-"], stdin: input)
        XCTAssertFalse(exact.stderr.contains("noise"), exact.stderr)
    }

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
