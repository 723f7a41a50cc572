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
        let layout = ComponentCatalog.benthos.pluginLayout
        let clock = ContinuousClock()
        func time(_ name: String, _ body: () throws -> Void) rethrows -> String {
            var runs = 0
            let start = clock.now
            repeat { try body(); runs += 1 } while BenchCommand.seconds(clock.now - start) < seconds
            let total = BenchCommand.seconds(clock.now - start)
            return "\"\(name)\": {\"per_second\": \(Int(Double(runs) / total)), \"microseconds\": \(Int(total / Double(runs) * 1e6))}"
        }
        do {
            let vdaf = try TelemetryMeasurement.presenceVDAF(layout: layout)
            let ctx = Array("anonymous-summary".utf8)
            func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
            var m = [Bool](repeating: false, count: layout.width)
            for i in [3, 40, 77, 150, 200, 301] { m[i] = true }
            let verifyKey = bytes(32), nonce = bytes(16), rand = bytes(vdaf.randSize)
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
            results.append(time("aggregate_one") { agg = vecAdd(agg, out) })
            // A whole DAP report: shard, then both input shares sealed with HPKE.
            let keys = try HPKE.deriveKeyPair(ikm: bytes(32))
            let config = DAP.HpkeConfig(id: 1, kemID: HPKE.kemID, kdfID: HPKE.kdfID, aeadID: HPKE.AEAD.chacha20poly1305.rawValue, publicKey: keys.publicKey)
            let taskConfig = DAP.TaskConfiguration(taskInfo: [1], leaderEndpoint: "https://leader.example/", helperEndpoint: "https://helper.example/",
                                                   timePrecision: 86_400, minBatchSize: 100, vdafType: 5, vdafConfiguration: [])
            var uploadSize = 0
            results.append(try time("dap_report") {
                let report = try DAP.makeReport(vdaf, measurement: m, taskID: [UInt8](repeating: 7, count: 32), task: taskConfig, time: 1,
                                                leaderConfigs: [config], helperConfigs: [config], using: &rng)
                uploadSize = DAP.encodeUploadRequest([report]).count
            })
            let sizes = "\"dap_upload_request\": \(uploadSize), \"sizes\": {\"public_share\": \(vdaf.encodePublicShare(publicShare).count), \"leader_input_share\": \(vdaf.encodeInputShare(inputs[0]).count), "
                + "\"helper_input_share\": \(vdaf.encodeInputShare(inputs[1]).count), \"verifier_share\": \(vdaf.encodeVerifierShare(s0.share).count), "
                + "\"out_share\": \(vdaf.encodeShare(out).count)}"
            print("{\"vdaf\": \"Prio3MultihotCountVec\", \"length\": \(layout.width), \"max_weight\": \(TelemetryMeasurement.presenceMaxWeight), "
                  + "\"chunk_length\": \(TelemetryMeasurement.presenceChunkLength), " + results.joined(separator: ", ") + ", " + sizes + "}")
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure(code: .software, message: "\(error)")
        }
    }
}
