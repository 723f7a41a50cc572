import Primitives
import SummaryChecks
import LocalPrivacy
import TestSupport
import AnonymousSummary
import Foundation
import HPKE
import VDAF
import DAP
import TelemetryDAP
import TelemetrySender
import UsageReport
import XCTest

/// The whole loop on loopback: hosts send DAP reports through the real sender and HTTP; a
/// Leader and a Helper built from this package's aggregator roles and HPKE open decrypt, verify,
/// aggregate; the collector unshards; the sums equal the truth exactly, and the private release
/// publishes them. A report with a tampered share is refused by verification, not counted.
final class DAPEndToEndTests: XCTestCase {
    /// An aggregator: its HPKE key pair and configuration list, served at /hpke_config; the
    /// Leader also stores every upload.
    final class Aggregator: @unchecked Sendable {
        let keys: HPKEPrivateKey
        let config: DAPHpkeConfig
        let server: LoopbackServer
        private let lock = NSLock()
        private var stored: [[UInt8]] = []
        var uploads: [[UInt8]] { lock.withLock { stored } }

        init(seed: UInt8, configID: UInt8, aead: HPKECiphersuite.AEAD, profile: DAPProfile = .dap18) throws {
            keys = try HPKEPrivateKey(derivedFrom: [UInt8](repeating: seed, count: 32))
            // A configuration this client cannot use first (P-256), then the one it can.
            let unsupported = DAPHpkeConfig(id: 9, kemID: 0x0010, kdfID: 1, aeadID: 1, publicKey: [4] + [UInt8](repeating: 1, count: 64))
            config = DAPHpkeConfig(id: configID, ciphersuite: HPKECiphersuite(aead: aead), publicKey: keys.publicKey)
            let list = try DAPHpkeConfigList([unsupported, config]).encoded()
            let box = Box()
            server = try LoopbackServer(mode: .handler { request in
                if request.method == "GET" && request.path == "/dap/hpke_config" {
                    return (200, profile.hpkeConfigListMediaType, list)
                }
                if request.method == profile.uploadMethod && request.path.hasPrefix("/dap/tasks/") && request.path.hasSuffix("/reports")
                    && request.headers["content-type"] == profile.uploadMediaType {
                    box.append(request.body)
                    // Janus 0.7 answers 200 where DAP-09 says 201: any 2xx is success.
                    return (profile == .dap09 ? 201 : 200, "application/octet-stream", [])
                }
                return (404, "application/problem+json", Array(#"{"type":"urn:ietf:params:ppm:dap:error:unrecognizedTask","detail":"no such task"}"#.utf8))
            })
            box.owner = self
        }

        final class Box: @unchecked Sendable {
            weak var owner: Aggregator?
            func append(_ body: [UInt8]) { owner?.lock.withLock { owner?.stored.append(body) } }
        }

        var url: URL { URL(string: "http://127.0.0.1:\(server.port)/dap")! }
    }

    /// A task of `profile` on these aggregators, with the telemetry's VDAF.
    static func task(_ profile: DAPProfile, leader: URL, helper: URL, id: UInt8 = 0x42, precision: UInt64 = 3600) -> DAPTask {
        let layout = DAPTelemetryLayout()
        let vdaf = profile == .dap09
            ? DAPTask.VDAF(type: "Prio3SumVec", length: layout.length, bits: 1, chunkLength: TelemetryMeasurement.defaultChunkLength)
            : DAPTask.VDAF(type: "Prio3SumVec", length: layout.length, maxMeasurement: 1, chunkLength: TelemetryMeasurement.defaultChunkLength)
        return DAPTask(profile: profile, id: DAPTaskID(bytes: [UInt8](repeating: id, count: 32))!, leader: leader, helper: helper,
                       vdaf: vdaf, timePrecision: precision, minBatchSize: 10)
    }

    /// The profiles whose VDAF this package implements (DAP-09 needs VDAF-08).
    static var profiles: [DAPProfile] { DAPProfile.all.filter { (try? TelemetryMeasurement.vdaf($0, length: 8, chunkLength: 2)) != nil } }

    func testHostsSendAndTheAggregatorsSumExactly() async throws {
        for profile in Self.profiles {
            try await hostsSendAndTheAggregatorsSumExactly(profile)
        }
    }

    func hostsSendAndTheAggregatorsSumExactly(_ profile: DAPProfile) async throws {
        let leader = try Aggregator(seed: 1, configID: 3, aead: .aes128GCM, profile: profile)
        let helper = try Aggregator(seed: 2, configID: 7, aead: .chaCha20Poly1305, profile: profile)
        defer { leader.server.stop(); helper.server.stop() }
        // The Helper on another loopback address: two origins, as a task must have.
        let helperURL = URL(string: "http://localhost:\(helper.server.port)/dap")!
        let task = Self.task(profile, leader: leader.url, helper: helperURL)
        let configs = ["input: {kafka: {}}\noutput: {aws_s3: {}}\n",
                       "input: {generate: {}}\npipeline: {processors: [{mutation: x}]}\noutput: {aws_s3: {}}\n",
                       "input: {kafka: {}}\npipeline: {processors: [{mapping: x}, {log: {}}]}\noutput: {stdout: {}}\n"]
        let layout = DAPTelemetryLayout()
        var truth = [UInt64](repeating: 0, count: layout.length)
        let hosts = 12
        var senders: [TelemetrySender<ContinuousClock>] = []
        let log = LogLines()
        for h in 0..<hosts {
            let usage = try Summariser().usage(of: [ConfigSource(Array(configs[h % 3].utf8))])
            // Small configs: nothing is left out, so the truth is the measurement of each.
            var g = SplitMix64(seed: 1)
            for (i, v) in TelemetryMeasurement.measurement(usage, uptimeSeconds: 0, layout: layout, using: &g).enumerated() { truth[i] += v }
            // A period of a minute: a send that fails (a loopback connection dropped under load) is
            // retried within seconds, as a host retries within its period; the batch window (an
            // hour) still allows one report a host, and a retry is the same report.
            let configuration = try TelemetryConfiguration(endpoint: nil, initialDelay: .milliseconds(10), period: .seconds(60),
                                                           initialJitter: .zero, periodJitter: .zero, userAgent: "host/1",
                                                           mode: .secretShared(DAPTelemetry(task: task)))
            let status = TelemetryStatus.decide(arguments: [], environment: [:], configuration: configuration)
            let sender = TelemetrySender(configuration: configuration, status: status, usage: usage, clock: ContinuousClock(),
                                         log: { log.append($0) }, randomFraction: { 0 })
            await sender.start()
            senders.append(sender)
        }
        @Sendable func distinctReports() -> Int { Set(leader.uploads.flatMap { (try? DAPUpload.reports(in: $0, profile)) ?? [] }.map(\.reportID)).count }
        let arrived = await eventually { distinctReports() >= hosts }
        for s in senders { await s.stop() }
        XCTAssertTrue(arrived, "\(profile): \(leader.uploads.count) uploads; log: \(log.lines.filter { !$0.contains("uploaded a") })")
        // The heads on the wire: the clean request, with the profile's method and media type.
        let upload = try XCTUnwrap(leader.server.requests.first { $0.method == profile.uploadMethod })
        XCTAssertEqual(upload.headLines, ["\(profile.uploadMethod) /dap/tasks/\(task.id)/reports HTTP/1.1", "Host: 127.0.0.1:\(leader.server.port)",
                                          "User-Agent: host/1", "Content-Type: \(profile.uploadMediaType)", "Content-Length: \(upload.body.count)"])
        let get = try XCTUnwrap(helper.server.requests.first { $0.method == "GET" })
        XCTAssertEqual(get.headLines, ["GET /dap/hpke_config HTTP/1.1", "Host: localhost:\(helper.server.port)", "User-Agent: host/1"])

        // The aggregators: decrypt, verify, aggregate. A verify key they share, the task's config.
        let taskConfig = try task.configuration()
        // The aggregators count a report id once (a retry after a lost answer sends the same report).
        var seen = Set<[UInt8]>()
        var reports = try leader.uploads.flatMap { try DAPUpload.reports(in: $0, profile) }.filter { seen.insert($0.reportID).inserted }
        XCTAssertEqual(reports.count, hosts, "a report a host, each its own id")
        // One more: a valid report whose Leader share is then tampered with after decryption
        // stands for a client that encrypted a bad share.
        reports.append(reports[0])
        func run<V: ValidityCircuit>(_ vdaf: Prio3<V>) -> (sums: [UInt64], accepted: Int, refused: Int) {
            let result = DAPAggregation.aggregate(
                vdaf, reports: reports, profile: profile, taskID: task.id, task: taskConfig,
                leader: .init(key: leader.keys, config: leader.config), helper: .init(key: helper.keys, config: helper.config),
                verifyKey: [UInt8](repeating: 9, count: vdaf.verifyKeySize), tamper: { n, bytes in if n == hosts { bytes[5] ^= 1 } })
            return (DAPAggregation.unshard(vdaf, result), result.accepted, result.refused)
        }
        let outcome: (sums: [UInt64], accepted: Int, refused: Int)
        switch try TelemetryMeasurement.vdaf(profile, length: layout.length, chunkLength: TelemetryMeasurement.defaultChunkLength) {
        case .draft08(let vdaf): outcome = run(vdaf)
        case .draft20(let vdaf): outcome = run(vdaf)
        }
        XCTAssertEqual(outcome.accepted, hosts, "\(profile)")
        XCTAssertEqual(outcome.refused, 1, "\(profile): the tampered report is refused by verification")
        // The report's time: DAP-09 in seconds rounded to the precision, DAP-18 in its units.
        let now = UInt64(Date().timeIntervalSince1970)
        for report in reports {
            let seconds = profile == .dap09 ? report.time : report.time * task.timePrecision
            XCTAssertEqual(seconds % task.timePrecision, 0)
            XCTAssertLessThanOrEqual(now - seconds, 2 * task.timePrecision)
        }
        if profile == .dap18 {
            // A wrong task configuration (another min batch size) does not even decrypt.
            var other = try XCTUnwrap(taskConfig)
            other.minBatchSize = 11
            XCTAssertThrowsError(try DAPReportMaker.openInputShare(reports[0], role: .leader, privateKey: leader.keys, config: leader.config,
                                                                   profile: profile, taskID: task.id, task: other))
        }
        // The collector: the sum, exact.
        let sums = outcome.sums
        XCTAssertEqual(sums, truth, "\(profile): the sums equal the truth exactly")
        XCTAssertEqual(sums[layout.uptimeStart], UInt64(hosts), "every host in its first hour")
        XCTAssertTrue(log.lines.contains { $0.contains("uploaded a \(profile) report") }, "\(log.lines.prefix(3))")
    }

    /// One transport for the test's direct uploads, as a sender keeps one.
    let transport = URLSessionTransport(userAgent: "host/1", timeout: .seconds(5))

    /// One send of `usage` for `task` through the network transport, as the sender makes it.
    @discardableResult
    func upload(_ task: DAPTask, _ usage: ComponentUsage) async throws -> String {
        let input = TelemetryInput(usage: usage, id: .random(), uptimeSeconds: 0, unixTime: Int64(Date().timeIntervalSince1970))
        return try await DAPTelemetry(task: task).send(input, via: transport)
    }

    /// A problem document from the Leader is a logged failure, never a crash; the host goes on.
    func testAProblemDocumentIsALoggedFailure() async throws {
        let leader = try Aggregator(seed: 1, configID: 3, aead: .aes128GCM)
        let helper = try Aggregator(seed: 2, configID: 7, aead: .aes128GCM)
        defer { leader.server.stop(); helper.server.stop() }
        // The Leader's configuration is served, but the task is not: /elsewhere/tasks/… answers a problem.
        let broken = URL(string: "http://127.0.0.1:\(leader.server.port)/elsewhere")!
        let task = Self.task(.dap18, leader: broken, helper: URL(string: "http://localhost:\(helper.server.port)/dap")!, id: 1)
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\n".utf8))])
        do {
            try await upload(task, usage)
            XCTFail("uploaded to a missing task")
        } catch {
            XCTAssertTrue("\(error)".contains("problem urn:ietf:params:ppm:dap:error:unrecognizedTask: no such task"), "\(error)")
        }
    }

    /// An `outdated_config` answer makes the client fetch the configurations again and upload a
    /// fresh report, once; a second refusal is a logged failure.
    func testAnOutdatedConfigIsFetchedAgainAndTheReportRetriedOnce() async throws {
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var gets = 0, posts = 0
        }
        let counter = Counter()
        let keys = try HPKEPrivateKey(derivedFrom: [UInt8](repeating: 5, count: 32))
        let list = try DAPHpkeConfigList([DAPHpkeConfig(id: 1, ciphersuite: .x25519SHA256AES128GCM, publicKey: keys.publicKey)]).encoded()
        let server = try LoopbackServer(mode: .handler { request in
            if request.method == "GET" {
                counter.lock.withLock { counter.gets += 1 }
                return (200, DAPProfile.dap18.hpkeConfigListMediaType, list)
            }
            let n = counter.lock.withLock { () -> Int in counter.posts += 1; return counter.posts }
            // The first upload is refused as outdated_config (11), the next accepted.
            let reports = (try? DAPUpload.reports(in: request.body, .dap18)) ?? []
            if n == 1, let id = reports.first?.reportID { return (200, DAPProfile.dap18.uploadErrorsMediaType!, id + [11]) }
            return (200, "application/octet-stream", [])
        })
        defer { server.stop() }
        let url = URL(string: "http://127.0.0.1:\(server.port)/dap")!
        let task = Self.task(.dap18, leader: url, helper: URL(string: "http://localhost:\(server.port)/dap")!, id: 2)
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\n".utf8))])
        try await upload(task, usage)
        XCTAssertEqual(counter.lock.withLock { counter.posts }, 2, "retried once")
        XCTAssertEqual(counter.lock.withLock { counter.gets }, 8, "both configurations fetched (twice each, compared), then both again")
    }

    /// A hostile aggregator: an answer over a megabyte is cut off; a problem document's text
    /// reaches the log on one line, printable ASCII only; a request that never ends is
    /// cancelled with the sender within a second.
    func testAHostileAggregatorCannotHarmTheHost() async throws {
        let huge = try LoopbackServer(mode: .handler { _ in (200, DAPProfile.dap18.hpkeConfigListMediaType, [UInt8](repeating: 0, count: 3 << 20)) })
        defer { huge.stop() }
        let url = URL(string: "http://127.0.0.1:\(huge.port)/dap")!
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\n".utf8))])
        let task = Self.task(.dap18, leader: url, helper: URL(string: "http://localhost:\(huge.port)/dap")!, id: 3)
        do {
            try await upload(task, usage)
            XCTFail("a 3 MB answer was taken")
        } catch {
            XCTAssertTrue("\(error)".contains("over 1048576 bytes"), "\(error)")
        }
        let problem = try LoopbackServer(mode: .handler { _ in
            (400, "application/problem+json", Array(#"{"type":"urn:x\nINJECTED","detail":"line one\r\nline two \u0007"}"#.utf8))
        })
        defer { problem.stop() }
        let task2 = Self.task(.dap18, leader: URL(string: "http://127.0.0.1:\(problem.port)/dap")!, helper: url, id: 3)
        do {
            try await upload(task2, usage)
            XCTFail("a problem was taken for success")
        } catch {
            let text = "\(error)"
            XCTAssertFalse(text.contains("\n") || text.contains("\r") || text.contains("\u{7}"), text)
            XCTAssertTrue(text.contains("problem urn:xINJECTED: line oneline two"), text)
        }
        let silent = try LoopbackServer(mode: .neverAnswer)
        defer { silent.stop() }
        let silentURL = URL(string: "http://127.0.0.1:\(silent.port)/dap")!
        let silentTask = Self.task(.dap18, leader: silentURL, helper: URL(string: "http://localhost:\(silent.port)/dap")!, id: 3)
        let configuration = try TelemetryConfiguration(endpoint: nil, initialDelay: .zero, initialJitter: .zero, periodJitter: .zero,
                                                       requestTimeout: .seconds(60), userAgent: "h/1", mode: .secretShared(DAPTelemetry(task: silentTask)))
        let sender = TelemetrySender(configuration: configuration, status: TelemetryStatus(destination: .endpoint, decidedBy: .configured),
                                     usage: usage, clock: ContinuousClock())
        await sender.start()
        let waiting = await eventually { !silent.requests.isEmpty }
        XCTAssertTrue(waiting)
        let clock = ContinuousClock()
        let took = await clock.measure { await sender.stop() }
        XCTAssertLessThan(took, .seconds(1), "stop() mid-request took \(took)")
    }
}
