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
        let keys: (privateKey: [UInt8], publicKey: [UInt8])
        let config: DAP.HpkeConfig
        let server: LoopbackServer
        private let lock = NSLock()
        private var stored: [[UInt8]] = []
        var uploads: [[UInt8]] { lock.withLock { stored } }

        init(seed: UInt8, configID: UInt8, aead: HPKE.AEAD) throws {
            keys = try HPKE.deriveKeyPair(ikm: [UInt8](repeating: seed, count: 32))
            // A configuration this client cannot use first (P-256), then the one it can.
            let unsupported = DAP.HpkeConfig(id: 9, kemID: 0x0010, kdfID: 1, aeadID: 1, publicKey: [4] + [UInt8](repeating: 1, count: 64))
            config = DAP.HpkeConfig(id: configID, kemID: HPKE.kemID, kdfID: HPKE.kdfID, aeadID: aead.rawValue, publicKey: keys.publicKey)
            let list = DAP.encodeHpkeConfigList([unsupported, config])
            let box = Box()
            server = try LoopbackServer(mode: .handler { request in
                if request.method == "GET" && request.path == "/dap/hpke_config" {
                    return (200, DAPTelemetry.configListType, list)
                }
                if request.method == "POST" && request.path.hasPrefix("/dap/tasks/") && request.path.hasSuffix("/reports") {
                    box.append(request.body)
                    return (200, "application/octet-stream", [])
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

    func testHostsSendAndTheAggregatorsSumExactly() async throws {
        let leader = try Aggregator(seed: 1, configID: 3, aead: .aes128gcm)
        let helper = try Aggregator(seed: 2, configID: 7, aead: .chacha20poly1305)
        defer { leader.server.stop(); helper.server.stop() }
        let taskID = [UInt8](repeating: 0x42, count: 32)
        let task = try XCTUnwrap(DAPTask(leader: leader.url, helper: helper.url, taskID: taskID, timePrecision: 3600, minBatchSize: 10))
        let configs = ["input: {kafka: {}}\noutput: {aws_s3: {}}\n",
                       "input: {generate: {}}\npipeline: {processors: [{mutation: x}]}\noutput: {aws_s3: {}}\n",
                       "input: {kafka: {}}\npipeline: {processors: [{mapping: x}, {log: {}}]}\noutput: {stdout: {}}\n"]
        let layout = ComponentCatalog.benthos.pluginLayout
        var truth = [Int](repeating: 0, count: layout.width)
        let hosts = 12
        var senders: [TelemetrySender<ContinuousClock>] = []
        let log = LogLines()
        for h in 0..<hosts {
            let usage = try Summariser().usage(of: [ConfigSource(Array(configs[h % 3].utf8))])
            for (i, bit) in layout.bits(of: usage).enumerated() where bit { truth[i] += 1 }
            let configuration = try TelemetryConfiguration(endpoint: nil, initialDelay: .milliseconds(10), period: .seconds(3600),
                                                           initialJitter: .zero, periodJitter: .zero, userAgent: "host/1",
                                                           mode: .secretShared(DAPTelemetry(task: task)))
            let status = TelemetryStatus.decide(arguments: [], environment: [:], configuration: configuration)
            let sender = TelemetrySender(configuration: configuration, status: status, usage: usage, clock: ContinuousClock(),
                                         log: { log.append($0) })
            await sender.start()
            senders.append(sender)
        }
        let arrived = await eventually { leader.uploads.count >= hosts }
        for s in senders { await s.stop() }
        XCTAssertTrue(arrived, "\(leader.uploads.count) uploads; log: \(log.lines.suffix(5))")
        // The heads on the wire: the clean request, with DAP's media type; a GET has no body headers.
        let post = try XCTUnwrap(leader.server.requests.first { $0.method == "POST" })
        XCTAssertEqual(post.headLines, ["POST /dap/tasks/\(task.taskIDBase64URL)/reports HTTP/1.1", "Host: 127.0.0.1:\(leader.server.port)",
                                        "User-Agent: host/1", "Content-Type: \(DAPTelemetry.uploadType)", "Content-Length: \(post.body.count)"])
        let get = try XCTUnwrap(helper.server.requests.first { $0.method == "GET" })
        XCTAssertEqual(get.headLines, ["GET /dap/hpke_config HTTP/1.1", "Host: 127.0.0.1:\(helper.server.port)", "User-Agent: host/1"])
        XCTAssertEqual(leader.server.requests.filter { $0.method == "GET" }.count, hosts, "one configuration fetch a host")

        // The aggregators: decrypt, verify, aggregate. A verify key they share, the task's config.
        let vdaf = try TelemetryMeasurement.presenceVDAF(layout: layout)
        let verifyKey = [UInt8](repeating: 9, count: 32)
        let taskConfig = task.configuration(layout: layout)
        var outShares: [[[Field128]]] = [[], []]
        var accepted = 0, refused = 0
        var reports = try leader.uploads.flatMap { try DAP.decodeUploadRequest($0) }
        XCTAssertEqual(reports.count, hosts)
        XCTAssertEqual(Set(reports.map(\.reportID)).count, hosts, "a fresh report id each")
        // One more: a valid report whose Leader share is then tampered with after decryption
        // stands for a client that encrypted a bad share.
        reports.append(reports[0])
        for (n, report) in reports.enumerated() {
            let ctx = DAP.vdafContext(taskID: taskID)
            let publicShare = try vdaf.decodePublicShare(report.publicShare)
            guard var leaderBytes = DAP.openInputShare(report, role: .leader, privateKey: leader.keys.privateKey, config: leader.config,
                                                       taskID: taskID, task: taskConfig),
                  let helperBytes = DAP.openInputShare(report, role: .helper, privateKey: helper.keys.privateKey, config: helper.config,
                                                       taskID: taskID, task: taskConfig) else {
                XCTFail("report \(n) did not decrypt")
                continue
            }
            if n == hosts { leaderBytes[5] ^= 1 }
            do {
                let l = try vdaf.verifyInit(verifyKey: verifyKey, ctx: ctx, aggID: 0, nonce: report.reportID, publicShare: publicShare,
                                            inputShare: try vdaf.decodeInputShare(leaderBytes, aggID: 0))
                let h = try vdaf.verifyInit(verifyKey: verifyKey, ctx: ctx, aggID: 1, nonce: report.reportID, publicShare: publicShare,
                                            inputShare: try vdaf.decodeInputShare(helperBytes, aggID: 1))
                let message = try vdaf.verifierSharesToMessage(ctx: ctx, [l.share, h.share])
                outShares[0].append(try vdaf.verifyNext(l.state, message: message))
                outShares[1].append(try vdaf.verifyNext(h.state, message: message))
                accepted += 1
            } catch {
                refused += 1
            }
        }
        XCTAssertEqual(accepted, hosts)
        XCTAssertEqual(refused, 1, "the tampered report is refused by verification")
        // A wrong task configuration (another min batch size) does not even decrypt.
        var other = taskConfig
        other.minBatchSize = 11
        XCTAssertNil(DAP.openInputShare(reports[0], role: .leader, privateKey: leader.keys.privateKey, config: leader.config,
                                        taskID: taskID, task: other))

        // The collector: the sum, exact.
        let sums = vdaf.unshard([vdaf.aggregate(outShares[0]), vdaf.aggregate(outShares[1])]).map { Int($0.words.low) }
        XCTAssertEqual(sums, truth, "the sums equal the truth exactly before noise")

        // And the private release of them (what `dap-counts` then `report --counts` do).
        let index = CatalogIndex()
        var agg = Aggregates(pluginCount: index.count)
        agg.instances = accepted
        for p in 0..<index.count { agg.pluginInstances[p] = sums[p] }
        var g = SystemRandomNumberGenerator()
        let bounds = ContributionBounds(maxPlugins: Int(TelemetryMeasurement.presenceMaxWeight))
        let released = try PrivateReport.release(try agg.attested(index: index, bounds: bounds), index: index, bounds: bounds, using: &g)
        let kafka = try XCTUnwrap(index.number(of: ComponentCatalog.benthos.plugin(named: "kafka", kind: .input)!))
        XCTAssertEqual(sums[kafka], 8)
        XCTAssertLessThan(abs(Int(released.pluginInstances[kafka]) - 8), 200, "noisy, near the truth")
        XCTAssertTrue(log.lines.contains { $0.contains("uploaded a DAP report") }, "\(log.lines.prefix(3))")
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
        let leader = try Aggregator(seed: 1, configID: 3, aead: .aes128gcm)
        let helper = try Aggregator(seed: 2, configID: 7, aead: .aes128gcm)
        defer { leader.server.stop(); helper.server.stop() }
        // The Leader's configuration is served, but the task is not: /elsewhere/tasks/… answers a problem.
        let broken = URL(string: "http://127.0.0.1:\(leader.server.port)/elsewhere")!
        let task = try XCTUnwrap(DAPTask(leader: broken, helper: helper.url, taskID: [UInt8](repeating: 1, count: 32)))
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
        let keys = try HPKE.deriveKeyPair(ikm: [UInt8](repeating: 5, count: 32))
        let list = DAP.encodeHpkeConfigList([DAP.HpkeConfig(id: 1, kemID: HPKE.kemID, kdfID: HPKE.kdfID, aeadID: 1, publicKey: keys.publicKey)])
        let server = try LoopbackServer(mode: .handler { request in
            if request.method == "GET" {
                counter.lock.withLock { counter.gets += 1 }
                return (200, DAPTelemetry.configListType, list)
            }
            let n = counter.lock.withLock { () -> Int in counter.posts += 1; return counter.posts }
            // The first upload is refused as outdated_config (11), the next accepted.
            let reports = (try? DAP.decodeUploadRequest(request.body)) ?? []
            if n == 1, let id = reports.first?.reportID { return (200, DAPTelemetry.uploadErrorsType, id + [11]) }
            return (200, "application/octet-stream", [])
        })
        defer { server.stop() }
        let url = URL(string: "http://127.0.0.1:\(server.port)/dap")!
        let task = try XCTUnwrap(DAPTask(leader: url, helper: url, taskID: [UInt8](repeating: 2, count: 32)))
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\n".utf8))])
        try await upload(task, usage)
        XCTAssertEqual(counter.lock.withLock { counter.posts }, 2, "retried once")
        XCTAssertEqual(counter.lock.withLock { counter.gets }, 4, "both configurations fetched, then both again")
    }

    /// A hostile aggregator: an answer over a megabyte is cut off; a problem document's text
    /// reaches the log on one line, printable ASCII only; a request that never ends is
    /// cancelled with the sender within a second.
    func testAHostileAggregatorCannotHarmTheHost() async throws {
        let huge = try LoopbackServer(mode: .handler { _ in (200, DAPTelemetry.configListType, [UInt8](repeating: 0, count: 3 << 20)) })
        defer { huge.stop() }
        let url = URL(string: "http://127.0.0.1:\(huge.port)/dap")!
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\n".utf8))])
        let task = try XCTUnwrap(DAPTask(leader: url, helper: url, taskID: [UInt8](repeating: 3, count: 32)))
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
        let task2 = try XCTUnwrap(DAPTask(leader: URL(string: "http://127.0.0.1:\(problem.port)/dap")!, helper: url, taskID: [UInt8](repeating: 3, count: 32)))
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
        let silentTask = try XCTUnwrap(DAPTask(leader: silentURL, helper: silentURL, taskID: [UInt8](repeating: 3, count: 32)))
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
