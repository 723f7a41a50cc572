import DAP
import Foundation
import HPKE
import TestSupport
import XCTest

/// The client's DAP messages against the hex fixtures of Janus's own message tests, read from
/// `../shared/reference/janus` (Janus 0.7 for DAP-09, Janus main for DAP-18): the fixtures are
/// the facts; the code was written from the drafts. Each fixture is taken from the `concat!`
/// blocks of the named Rust test, in order; a changed byte in any of them fails (checked below).
final class JanusFixtureTests: XCTestCase {
    /// The hex of each top-level `concat!(…)` of the Rust function `name` in `file`, in order
    /// (comments dropped, string literals joined).
    static func fixtures(_ file: String, _ name: String) throws -> [[UInt8]] {
        let url = try TestPaths.sharedFixture("reference/janus/\(file)")
        let text = try String(contentsOf: url, encoding: .utf8)
        guard let start = text.range(of: "fn \(name)(") else { throw XCTSkip("\(file) has no fn \(name)") }
        let body = text[start.lowerBound...].prefix { _ in true }
        let end = body.range(of: "\n}\n")?.lowerBound ?? body.endIndex
        var out: [[UInt8]] = []
        var current = ""
        var stack: [Bool] = []  // true: a concat!( paren
        var i = body.startIndex
        while i < end {
            let rest = body[i..<end]
            if rest.hasPrefix("//") {
                i = rest.firstIndex(of: "\n") ?? end
                continue
            }
            if rest.hasPrefix("concat!(") {
                stack.append(true)
                i = body.index(i, offsetBy: 8)
                continue
            }
            let c = body[i]
            if c == "\"" {
                let from = body.index(after: i)
                let close = body[from..<end].firstIndex(of: "\"") ?? end
                if !stack.isEmpty { current += body[from..<close] }
                i = close < end ? body.index(after: close) : end
                continue
            }
            if !stack.isEmpty {
                if c == "(" { stack.append(false) }
                if c == ")" {
                    stack.removeLast()
                    if stack.isEmpty {
                        out.append(Hex.bytes(current.lowercased()))
                        current = ""
                    }
                }
            }
            i = body.index(after: i)
        }
        return out
    }

    /// `check(fixture)` holds for the fixture and fails for it with any one byte changed (tried
    /// at each position, flipping the low bit).
    func assertExact(_ fixture: [UInt8], _ what: String, _ check: ([UInt8]) -> Bool, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(check(fixture), "\(what): the fixture", file: file, line: line)
        for k in fixture.indices {
            var bad = fixture
            bad[k] ^= 1
            XCTAssertFalse(check(bad), "\(what): byte \(k) changed, still accepted", file: file, line: line)
        }
    }

    func ciphertexts() -> (DAPHpkeCiphertext, DAPHpkeCiphertext) {
        (DAPHpkeCiphertext(configID: 42, encapsulatedKey: Array("012345".utf8), payload: Array("543210".utf8)),
         DAPHpkeCiphertext(configID: 13, encapsulatedKey: Array("abce".utf8), payload: Array("abfd".utf8)))
    }

    func testHpkeConfigListBothDrafts() throws {
        for file in ["release-0.7/messages-tests-hpke.rs", "main/messages-tests-hpke.rs"] {
            let fixtureAll = try Self.fixtures(file, "roundtrip_hpke_config_list")
            let fixture = try XCTUnwrap(fixtureAll.first)
            let expected = DAPHpkeConfigList([DAPHpkeConfig(id: 12, kemID: 0x10, kdfID: 3, aeadID: 2, publicKey: []),
                                              DAPHpkeConfig(id: 12, kemID: 0x10, kdfID: 3, aeadID: 0x9999, publicKey: [])])
            assertExact(fixture, file) { (try? $0 == expected.encoded()) == true }
            let decoded = try DAPHpkeConfigList(decoding: fixture)
            XCTAssertEqual(decoded, expected)
            XCTAssertNil(decoded.firstUsable, "P-256 and an unknown AEAD: nothing this client seals to")
        }
    }

    func testDAP09ReportMetadataReportAndAad() throws {
        let file = "release-0.7/messages-tests-upload.rs"
        let (leader, helper) = ciphertexts()
        let metadata = try Self.fixtures(file, "roundtrip_report_metadata")
        XCTAssertEqual(metadata.count, 2)
        let ids: [[UInt8]] = [Array(1...16), Array((1...16).reversed())]
        for (k, (id, time)) in zip(ids, [UInt64(12345), 54321]).enumerated() {
            let report = DAPReport(reportID: id, time: time, publicShare: [], leaderShare: leader, helperShare: helper)
            assertExact(metadata[k], "DAP-09 metadata \(k)") { (try? report.metadata(.dap09)) == $0 }
        }
        let reports = try Self.fixtures(file, "roundtrip_report")
        XCTAssertEqual(reports.count, 2)
        for (k, (id, time, share)) in [(ids[0], UInt64(12345), [UInt8]()), (ids[1], UInt64(54321), Array("3210".utf8))].enumerated() {
            let report = DAPReport(reportID: id, time: time, publicShare: share, leaderShare: leader, helperShare: helper)
            assertExact(reports[k], "DAP-09 report \(k)") { (try? DAPUpload.body([report], .dap09)) == $0 }
            XCTAssertEqual(try DAPReport(decoding: reports[k], .dap09), report)
        }
        let aadAll = try Self.fixtures(file, "roundtrip_input_share_aad")
        let aad = try XCTUnwrap(aadAll.first)
        let report = DAPReport(reportID: ids[0], time: 54321, publicShare: Array("0123".utf8), leaderShare: leader, helperShare: helper)
        let taskID = try XCTUnwrap(DAPTaskID(bytes: [UInt8](repeating: 12, count: 32)))
        assertExact(aad, "DAP-09 InputShareAad") { (try? DAPUpload.inputShareAad(.dap09, taskID: taskID, task: nil, report: report)) == $0 }
        let plaintextAll = try Self.fixtures(file, "roundtrip_plaintext_input_share")
        let plaintext = try XCTUnwrap(plaintextAll.first)
        assertExact(plaintext, "DAP-09 PlaintextInputShare") { (try? DAPUpload.plaintextInputShare(Array("0123".utf8))) == $0 }
    }

    func testDAP18ReportUploadErrorsAndTask() throws {
        let file = "main/messages-tests-upload.rs"
        let (leader, helper) = ciphertexts()
        let id: [UInt8] = Array(1...16)
        let metadata = try Self.fixtures(file, "roundtrip_report_metadata")
        let report = DAPReport(reportID: id, time: 12345, publicShare: [], leaderShare: leader, helperShare: helper)
        assertExact(metadata[0], "DAP-18 metadata") { (try? report.metadata(.dap18)) == $0 }
        let reports = try Self.fixtures(file, "roundtrip_report")
        assertExact(reports[0], "DAP-18 report") { (try? DAPUpload.body([report], .dap18)) == $0 }
        // The second fixture carries a public extension: this client sends none, but reads past it.
        let withExtension = try DAPReport(decoding: reports[1], .dap18)
        XCTAssertEqual(withExtension.publicShare, Array("3210".utf8))
        XCTAssertEqual(withExtension.time, 54321)
        let plaintextAll = try Self.fixtures(file, "roundtrip_plaintext_input_share")
        let plaintext = try XCTUnwrap(plaintextAll.first)
        assertExact(plaintext, "DAP-18 PlaintextInputShare") { (try? DAPUpload.plaintextInputShare(Array("0123".utf8))) == $0 }
        let errors = try Self.fixtures(file, "roundtrip_upload_response")
        let three = try DAPUpload.errors(in: try XCTUnwrap(errors.last))
        XCTAssertEqual(three.map(\.error), [7, 8, 5])
        XCTAssertEqual(three.map(\.reportID), [Array(1...16), Array((1...16).reversed()), [UInt8](repeating: 0, count: 16)])

        let task = try Self.fixtures("main/messages-tests-task.rs", "roundtrip_task_configuration")
        XCTAssertEqual(task.count, 3)
        // The third: empty task_info, time interval, Prio3Count, no extension (the form this client sends).
        let config = DAPTaskConfiguration(taskInfo: [], leaderURL: "https://example.com/", helperURL: "https://another.example.com/",
                                          timePrecision: 3600, minBatchSize: 10000, batchMode: .timeInterval, vdaf: .prio3Count)
        assertExact(task[2], "DAP-18 TaskConfiguration") { (try? config.encoded()) == $0 }

        let vdafs = try Self.fixtures("main/messages-tests-task.rs", "roundtrip_vdaf_config")
        let expected: [DAPVDAFConfiguration?] = [nil, .prio3Count, .prio3Sum(maxMeasurement: 0), .prio3Sum(maxMeasurement: 0xFF),
                                                 .prio3Sum(maxMeasurement: .max), .prio3SumVec(length: 12, maxMeasurement: 8, chunkLength: 14),
                                                 .prio3Histogram(length: 256, chunkLength: 18),
                                                 .prio3MultihotCountVec(length: 256, chunkLength: 18, maxWeight: 14)]
        for (k, vdaf) in expected.enumerated() {
            guard let vdaf else { continue }  // Reserved
            assertExact(vdafs[k], "DAP-18 vdaf config \(k)") { bytes in
                var w = [UInt8]()
                for s in stride(from: 24, through: 0, by: -8) { w.append(UInt8(truncatingIfNeeded: vdaf.vdafType >> UInt32(s))) }
                let c = vdaf.encodedConfiguration
                w += [UInt8(c.count >> 8), UInt8(c.count & 0xFF)] + c
                return w == bytes
            }
        }
    }

    /// What the profiles put in an upload's HTTP request and HPKE labels, as Janus's clients do.
    func testProfilesPathsMediaTypesAndLabels() throws {
        let taskID = try XCTUnwrap(DAPTaskID(base64URL: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA"))
        XCTAssertEqual(taskID.bytes, Array(1...32))
        XCTAssertEqual(taskID.base64URL, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA")
        XCTAssertNil(DAPTaskID(base64URL: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyB"), "non-zero trailing bits")
        XCTAssertNil(DAPTaskID(base64URL: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHy+"), "standard base64's alphabet")
        XCTAssertEqual(DAPProfile.dap09.uploadMethod, "PUT")
        XCTAssertEqual(DAPProfile.dap09.uploadMediaType, "application/dap-report")
        XCTAssertEqual(DAPProfile.dap09.hpkeConfigListMediaType, "application/dap-hpke-config-list")
        XCTAssertEqual(DAPProfile.dap18.uploadMethod, "POST")
        XCTAssertEqual(DAPProfile.dap18.uploadPath(taskID: taskID), "tasks/AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA/reports")
        XCTAssertEqual(DAPProfile.dap09.inputShareInfo(.helper), Array("dap-09 input share".utf8) + [1, 3])
        XCTAssertEqual(DAPProfile.dap09.vdafContext(taskID: taskID), [])
        XCTAssertEqual(DAPProfile.dap18.vdafContext(taskID: taskID), Array("dap-18".utf8) + Array(1...32))
        XCTAssertEqual(DAPProfile.dap09.reportTime(unixSeconds: 1_700_003_599, timePrecision: 3600), 1_700_002_800)
        XCTAssertEqual(DAPProfile.dap18.reportTime(unixSeconds: 1_700_003_599, timePrecision: 3600), 472_223)
        // Janus's HPKE label for input shares (core/src/hpke.rs): "dap-09 input share" in 0.7;
        // DAP_VERSION_IDENTIFIER || " input share" in main (the identifier is "dap-18" there).
        let old = try String(contentsOf: TestPaths.sharedFixture("reference/janus/release-0.7/core-hpke.rs"), encoding: .utf8)
        XCTAssertTrue(old.contains("b\"dap-09 input share\""))
        let main = try String(contentsOf: TestPaths.sharedFixture("reference/janus/main/core-hpke.rs"), encoding: .utf8)
        XCTAssertTrue(main.contains("concat!(DAP_VERSION_IDENTIFIER, \" input share\")"))
    }
}
