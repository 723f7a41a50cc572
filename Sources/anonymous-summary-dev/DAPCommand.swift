import AnonymousSummary
import CommandLineSupport
import DAP
import Foundation
import HPKE
import TelemetryDAP
import TelemetrySender
import VDAF

/// `anonymous-summary-dev dap-harness interop-client | aggregators`: docs/dap.md.
enum DAPCommand {
    static func run(_ arguments: [String]) throws(CLIFailure) {
        let parsed = try CLI.parse(arguments, CommandTable.dap)
        guard let name = parsed.flags["--protocol"]?.last, let profile = DAPProfile(name: name) else {
            throw CLIFailure(code: .usage, message: "--protocol must be dap-09 or dap-18")
        }
        switch parsed.verb {
        case "interop-client":
            let port = try CLI.number(parsed.flags, "--port", 8080.0, "a port from 1 to 65535") { $0 >= 1 && $0 <= 65_535 && $0 == $0.rounded() }
            let address = parsed.flags["--address"]?.last ?? "0.0.0.0"
            let client = DAPInteropClient(profile: profile,
                                          transport: URLSessionTransport(userAgent: "anonymous-summary-interop/\(AnonymousSummaryVersion.string)",
                                                                         timeout: .seconds(30), allowingPlainHTTP: true))
            do {
                try client.serve(address: address, port: UInt16(port)) { p in CLI.printError("dap interop-client (\(profile)) on \(address):\(p)") }
            } catch {
                throw CLIFailure(code: .software, message: "\(error)")
            }
        default:
            try aggregators(profile, parsed.flags)
        }
    }

    /// A Leader and a Helper on loopback (two ports, two origins), their keys fresh, one verify key.
    static func aggregators(_ profile: DAPProfile, _ flags: [String: [String]]) throws(CLIFailure) {
        guard let taskFile = flags["--task-file"]?.last else { throw CLIFailure(code: .usage, message: "--task-file OUT is needed") }
        let precision = try CLI.number(flags, "--time-precision", 3600.0, "whole seconds above 0") { $0 >= 1 && $0 < 1e9 && $0 == $0.rounded() }
        var g = SystemRandomNumberGenerator()
        let leaderKey = HPKEPrivateKey(using: &g), helperKey = HPKEPrivateKey(using: &g)
        let leaderConfig = DAPHpkeConfig(id: 1, ciphersuite: .x25519SHA256AES128GCM, publicKey: leaderKey.publicKey)
        let helperConfig = DAPHpkeConfig(id: 2, ciphersuite: .x25519SHA256ChaChaPoly, publicKey: helperKey.publicKey)
        let taskID = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
        let store = Uploads()
        let ports = Ports()
        let helperList: [UInt8], leaderList: [UInt8]
        do {
            helperList = try DAPHpkeConfigList([helperConfig]).encoded()
            leaderList = try DAPHpkeConfigList([leaderConfig]).encoded()
        } catch {
            throw CLIFailure(code: .software, message: "\(error)")
        }
        Thread {
            try? TinyHTTPServer.serve(address: "127.0.0.1", port: 0, started: { ports.set(helper: $0) }) { method, path, _, _ in
                method == "GET" && path.hasSuffix("/hpke_config") ? (200, profile.hpkeConfigListMediaType, helperList) : (404, "text/plain", [])
            }
        }.start()
        let helperPort = ports.waitForHelper()
        let layout = DAPTelemetryLayout()
        let bound = profile == .dap09 ? "\"bits\": 1" : "\"max_measurement\": 1"
        let extra = profile == .dap18 ? ",\n  \"min_batch_size\": 1,\n  \"task_info\": \"anonymous-summary demo\",\n  \"batch_mode\": \"time_interval\"" : ""
        let collector = Collector(leader: .init(key: leaderKey, config: leaderConfig), helper: .init(key: helperKey, config: helperConfig),
                                  verifyKey: (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) })
        do {
            try TinyHTTPServer.serve(address: "127.0.0.1", port: 0, started: { leaderPort in
                let text = """
                {
                  "protocol": "\(profile)",
                  "task_id": "\(Base64URL.encode(taskID))",
                  "leader": "http://127.0.0.1:\(leaderPort)/",
                  "helper": "http://localhost:\(helperPort)/",
                  "vdaf": {"type": "Prio3SumVec", "length": \(layout.length), \(bound), "chunk_length": \(TelemetryMeasurement.defaultChunkLength)},
                  "time_precision": \(Int(precision))\(extra)
                }

                """
                _ = FileManager.default.createFile(atPath: taskFile, contents: Data(text.utf8))
                collector.task.set(try? DAPTask(file: Array(text.utf8), name: taskFile))
                CLI.printError("dap aggregators (\(profile)): Leader http://127.0.0.1:\(leaderPort)/, Helper http://localhost:\(helperPort)/; "
                               + "task file \(taskFile); collect: GET http://127.0.0.1:\(leaderPort)/collect")
            }) { method, path, _, body in
                switch (method, path) {
                case ("GET", _) where path.hasSuffix("/hpke_config"): return (200, profile.hpkeConfigListMediaType, leaderList)
                case (profile.uploadMethod, _) where path.hasSuffix("/reports"):
                    store.append(body)
                    return (profile == .dap09 ? 201 : 200, "text/plain", [])
                case ("GET", "/collect"): return (200, "text/plain", Array(collector.collect(store.all).utf8))
                default: return (404, "text/plain", [])
                }
            }
        } catch {
            throw CLIFailure(code: .software, message: "\(error)")
        }
    }

    final class Uploads: @unchecked Sendable {
        private let lock = NSLock()
        private var bodies: [[UInt8]] = []
        func append(_ body: [UInt8]) { lock.withLock { bodies.append(body) } }
        var all: [[UInt8]] { lock.withLock { bodies } }
    }

    final class Ports: @unchecked Sendable {
        private let condition = NSCondition()
        private var helper: UInt16?
        func set(helper port: UInt16) { condition.lock(); helper = port; condition.broadcast(); condition.unlock() }
        func waitForHelper() -> UInt16 {
            condition.lock()
            defer { condition.unlock() }
            while helper == nil { condition.wait() }
            return helper ?? 0
        }
    }

    final class TaskBox: @unchecked Sendable {
        private let lock = NSLock()
        private var task: DAPTask?
        func set(_ t: DAPTask?) { lock.withLock { task = t } }
        var value: DAPTask? { lock.withLock { task } }
    }

    /// The collection: every stored upload opened by both aggregators, verified, summed; printed
    /// as Janus's `collect` prints it (`Number of reports`, `Aggregation result: [...]`).
    struct Collector: Sendable {
        let task = TaskBox()
        var leader: DAPAggregation.Aggregator
        var helper: DAPAggregation.Aggregator
        var verifyKey: [UInt8]

        func collect(_ bodies: [[UInt8]]) -> String {
            let configuration = (try? task.value?.configuration()) ?? nil
            guard let task = task.value, let chunk = task.vdaf.chunkLength, let length = task.vdaf.length,
                  let vdaf = try? TelemetryMeasurement.vdaf(task.profile, length: length, chunkLength: chunk) else {
                return "no task\n"
            }
            let reports = bodies.flatMap { (try? DAPUpload.reports(in: $0, task.profile)) ?? [] }
            func run<V: ValidityCircuit>(_ prio3: Prio3<V>) -> String {
                let result = DAPAggregation.aggregate(prio3, reports: reports, profile: task.profile, taskID: task.id,
                                                      task: task.profile == .dap18 ? configuration : nil,
                                                      leader: leader, helper: helper, verifyKey: Array(verifyKey.prefix(prio3.verifyKeySize)))
                let sums = DAPAggregation.unshard(prio3, result)
                let times = reports.map { task.profile == .dap09 ? $0.time : $0.time * task.timePrecision }
                let start = times.min() ?? 0, end = (times.max() ?? 0) + task.timePrecision
                return "Number of reports: \(result.accepted)\n"
                    + "Spanned interval: start: \(start) length: \(end - start)\n"
                    + "Aggregation result: [" + sums.map(String.init).joined(separator: ", ") + "]\n"
            }
            switch vdaf {
            case .draft08(let prio3): return run(prio3)
            case .draft20(let prio3): return run(prio3)
            }
        }
    }
}
