import AnonymousSummary
import LocalPrivacy
import DifferentialPrivacy
import Primitives
import Foundation
import HPKE
import VDAF
import DAP
import TelemetryDAP
import CommandLineSupport

/// `anonymous-summary-dev prio3-bench [--seconds S]`: the telemetry's Prio3 operations, timed, one
/// JSON line: per operation the runs a second and the microseconds a run, and the report sizes.
/// Behind `Scripts/bench prio3`.
enum Prio3BenchCommand {
    static func run(_ arguments: [String]) throws(CLIFailure) {
        let flags = try CLI.parse(arguments, CommandTable.prio3Bench).flags
        let seconds = try CLI.number(flags, "--seconds", 2.0, "a number of seconds above 0") { $0 > 0 && $0 < 1e6 }
        var rng = BufferedSystemRandom()
        let layout = DAPTelemetryLayout()
        let clock = ContinuousClock()
        func time(_ name: String, _ body: () throws -> Void) rethrows -> String {
            var runs = 0
            let start = clock.now
            repeat { try body(); runs += 1 } while BenchCommand.seconds(clock.now - start) < seconds
            let total = BenchCommand.seconds(clock.now - start)
            return "\"\(name)\": {\"per_second\": \(Int(Double(runs) / total)), \"microseconds\": \(Int(total / Double(runs) * 1e6))}"
        }
        func bench<V: ValidityCircuit>(_ vdaf: Prio3<V>, _ profile: DAPProfile, _ m: V.Measurement) throws {
            let ctx = profile.vdafContext(taskID: DAPTaskID(bytes: [UInt8](repeating: 7, count: 32))!)
            func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
            let verifyKey = bytes(vdaf.verifyKeySize), nonce = bytes(16), rand = bytes(vdaf.randSize)
            let (publicShare, inputs) = try vdaf.shard(ctx, m, nonce: nonce, rand: rand)
            var results: [String] = []
            results.append(try time("shard") { _ = try vdaf.shard(ctx, m, nonce: bytes(16), rand: bytes(vdaf.randSize)) })
            results.append(try time("verify_init_leader") {
                _ = try vdaf.verifyInit(verifyKey: verifyKey, ctx: ctx, aggID: 0, nonce: nonce, publicShare: publicShare, inputShare: inputs[0])
            })
            results.append(try time("verify_init_helper") {
                _ = try vdaf.verifyInit(verifyKey: verifyKey, ctx: ctx, aggID: 1, nonce: nonce, publicShare: publicShare, inputShare: inputs[1])
            })
            let s0 = try vdaf.verifyInit(verifyKey: verifyKey, ctx: ctx, aggID: 0, nonce: nonce, publicShare: publicShare, inputShare: inputs[0])
            let s1 = try vdaf.verifyInit(verifyKey: verifyKey, ctx: ctx, aggID: 1, nonce: nonce, publicShare: publicShare, inputShare: inputs[1])
            results.append(try time("verifier_shares_to_message") { _ = try vdaf.verifierSharesToMessage(ctx: ctx, [s0.share, s1.share]) })
            let out = try vdaf.verifyNext(s0.state, message: try vdaf.verifierSharesToMessage(ctx: ctx, [s0.share, s1.share]))
            var agg = vdaf.aggregate([])
            results.append(time("aggregate_one") { agg = vdaf.aggregate([agg, out]) })
            // A whole DAP report: shard, then both input shares sealed with HPKE.
            let keys = try HPKEPrivateKey(derivedFrom: bytes(32))
            let configs = DAPHpkeConfigList([DAPHpkeConfig(id: 1, ciphersuite: .x25519SHA256ChaChaPoly, publicKey: keys.publicKey)])
            let taskConfig = DAPTaskConfiguration(taskInfo: [1], leaderURL: "https://leader.example/", helperURL: "https://helper.example/",
                                                  timePrecision: 86_400, minBatchSize: 100, vdaf: .prio3Count)
            let task: DAPTaskConfiguration? = profile == .dap18 ? taskConfig : nil
            let taskID = DAPTaskID(bytes: [UInt8](repeating: 7, count: 32))!
            var uploadSize = 0
            results.append(try time("dap_report") {
                let report = try DAPReportMaker.makeReport(vdaf, measurement: m, profile: profile, taskID: taskID, task: task, time: 1,
                                                           leaderConfigs: configs, helperConfigs: configs, using: &rng)
                uploadSize = try DAPUpload.body([report], profile).count
            })
            let sizes = "\"dap_upload_request\": \(uploadSize), \"sizes\": {\"public_share\": \(vdaf.encodePublicShare(publicShare).count), \"leader_input_share\": \(vdaf.encodeInputShare(inputs[0]).count), "
                + "\"helper_input_share\": \(vdaf.encodeInputShare(inputs[1]).count), \"verifier_share\": \(vdaf.encodeVerifierShare(s0.share).count), "
                + "\"out_share\": \(vdaf.encodeShare(out).count)}"
            let head = "{\"protocol\": \"\(profile)\", \"vdaf\": \"Prio3SumVec\", \"draft\": \(vdaf.draft.version), \"length\": \(layout.length), \"max_measurement\": 1, "
                + "\"chunk_length\": \(TelemetryMeasurement.defaultChunkLength), "
            print(head + results.joined(separator: ", ") + ", " + sizes + "}")
        }
        do {
            // A config of the seed's question: kafka in, mapping and mutation, aws_s3 out, up a day.
            let usage = try Summariser().usage(of: [ConfigSource(Array(
                "input: {kafka: {}}\npipeline: {processors: [{mapping: x}, {mutation: y}]}\noutput: {aws_s3: {}}\n".utf8))])
            let m = TelemetryMeasurement.measurement(usage, uptimeSeconds: 86_400, layout: layout, using: &rng)
            for profile in DAPProfile.all {
                switch try TelemetryMeasurement.vdaf(profile, length: layout.length, chunkLength: TelemetryMeasurement.defaultChunkLength) {
                case .draft08(let vdaf): try bench(vdaf, profile, m)
                case .draft20(let vdaf): try bench(vdaf, profile, m)
                }
            }
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure(code: .software, message: "\(error)")
        }
    }
}
