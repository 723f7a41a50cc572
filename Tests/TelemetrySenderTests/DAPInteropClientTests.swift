import DAP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HPKE
import Primitives
import TelemetryDAP
import TelemetrySender
import VDAF
import XCTest

/// The interop test client driven through its HTTP API, as the interop harness drives it: ready,
/// then uploads of Count, SumVec and Histogram measurements for both protocols to loopback
/// aggregators made from this package's roles, which then open, verify and sum them.
final class DAPInteropClientTests: XCTestCase {
    /// Starts a client for `profile` on a free loopback port; returns its base URL.
    func start(_ profile: DAPProfile) async throws -> URL {
        let client = DAPInteropClient(profile: profile,
                                      transport: URLSessionTransport(userAgent: "interop/1", timeout: .seconds(10), allowingPlainHTTP: true))
        let port = Locked<UInt16?>(nil)
        Thread {
            _ = try? client.serve(address: "127.0.0.1", port: 0) { p in port.value = p }
        }.start()
        let listening = await eventually { port.value != nil }
        XCTAssertTrue(listening)
        return URL(string: "http://127.0.0.1:\(port.value ?? 0)")!
    }

    func post(_ base: URL, _ path: String, _ json: [String: Any]) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: json)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    func testUploadsOfEachVDAFForBothProtocolsAreSummedByTheAggregators() async throws {
        for profile in DAPProfile.all {
            let base = try await start(profile)
            let (readyStatus, _) = try await post(base, "/internal/test/ready", [:])
            XCTAssertEqual(readyStatus, 200)
            let leader = try DAPEndToEndTests.Aggregator(seed: 3, configID: 1, aead: .aes128GCM, profile: profile)
            let helper = try DAPEndToEndTests.Aggregator(seed: 4, configID: 2, aead: .chaCha20Poly1305, profile: profile)
            defer { leader.server.stop(); helper.server.stop() }
            let bound: [String: String] = profile == .dap09 ? ["bits": "1"] : ["max_measurement": "1"]
            let cases: [(vdaf: [String: String], measurements: [Any], expected: [UInt64])] = [
                (["type": "Prio3Count"], ["1", "0", "1"], [2]),
                (["type": "Prio3SumVec", "length": "4", "chunk_length": "2"].merging(bound) { a, _ in a },
                 [["1", "0", "1", "1"], ["0", "0", "1", "0"]], [1, 0, 2, 1]),
                (["type": "Prio3Histogram", "length": "4", "chunk_length": "2"], ["3", "1", "3"], [0, 1, 0, 2]),
            ]
            for (k, c) in cases.enumerated() {
                let taskID = DAPTaskID(bytes: [UInt8](repeating: UInt8(10 + k), count: 32))!
                let before = leader.uploads.count
                for m in c.measurements {
                    let (status, answer) = try await post(base, "/internal/test/upload", [
                        "task_id": taskID.base64URL, "leader": leader.url.absoluteString, "helper": "http://localhost:\(helper.server.port)/dap",
                        "vdaf": c.vdaf, "measurement": m, "time_precision": 3600, "min_batch_size": 1, "batch_mode": 1,
                    ])
                    XCTAssertEqual(status, 200)
                    XCTAssertEqual(answer["status"] as? String, "success", "\(profile) \(c.vdaf): \(answer)")
                }
                let reports = try leader.uploads[before...].flatMap { try DAPUpload.reports(in: $0, profile) }
                XCTAssertEqual(reports.count, c.measurements.count)
                let task = profile == .dap18
                    ? try DAPTask(profile: profile, id: taskID, leader: leader.url, helper: URL(string: "http://localhost:\(helper.server.port)/dap")!,
                                  vdaf: .init(type: "x"), timePrecision: 3600, minBatchSize: 1, taskInfo: DAPInteropClient.interopTaskInfo).configuration(vdaf: interopConfig(c.vdaf))
                    : nil
                func sum<V: ValidityCircuit>(_ vdaf: Prio3<V>) -> [UInt64] {
                    let result = DAPAggregation.aggregate(vdaf, reports: reports, profile: profile, taskID: taskID, task: task,
                                                          leader: .init(key: leader.keys, config: leader.config),
                                                          helper: .init(key: helper.keys, config: helper.config),
                                                          verifyKey: [UInt8](repeating: 1, count: vdaf.verifyKeySize))
                    XCTAssertEqual(result.refused, 0, "\(profile) \(c.vdaf)")
                    return DAPAggregation.unshard(vdaf, result)
                }
                let d: VDAFDraft = profile == .dap09 ? .draft08 : .draft20
                let sums: [UInt64]
                switch (c.vdaf["type"] ?? "", d) {
                case ("Prio3Count", _): sums = sum(try Prio3Variants.count(draft: d))
                case ("Prio3SumVec", .draft08): sums = sum(try Prio3Variants.Draft08.sumVec(length: 4, bits: 1, chunkLength: 2))
                case ("Prio3SumVec", _): sums = sum(try Prio3Variants.sumVec(length: 4, maxMeasurement: 1, chunkLength: 2))
                case ("Prio3Histogram", .draft08): sums = sum(try Prio3Variants.Draft08.histogram(length: 4, chunkLength: 2))
                default: sums = sum(try Prio3Variants.histogram(length: 4, chunkLength: 2))
                }
                XCTAssertEqual(sums, c.expected, "\(profile) \(c.vdaf)")
            }
            // A request it cannot serve is an error in JSON, never a crash.
            let (status, answer) = try await post(base, "/internal/test/upload", ["task_id": "short"])
            XCTAssertEqual(status, 200)
            XCTAssertEqual(answer["status"] as? String, "error")
        }
    }

    func interopConfig(_ vdaf: [String: String]) -> DAPVDAFConfiguration {
        switch vdaf["type"] {
        case "Prio3Count": return .prio3Count
        case "Prio3SumVec": return .prio3SumVec(length: 4, maxMeasurement: 1, chunkLength: 2)
        default: return .prio3Histogram(length: 4, chunkLength: 2)
        }
    }
}

extension DAPTask {
    /// This task's DAP-18 configuration with another VDAF (the interop tests' Count and Histogram).
    func configuration(vdaf: DAPVDAFConfiguration) throws -> DAPTaskConfiguration? {
        DAPTaskConfiguration(taskInfo: taskInfo, leaderURL: leader.absoluteString, helperURL: helper.absoluteString,
                             timePrecision: timePrecision, minBatchSize: minBatchSize, batchMode: batchMode, vdaf: vdaf)
    }
}
