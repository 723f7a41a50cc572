import AnonymousSummary
import Foundation
import PrivateAggregation

/// `summarise --privacy prio3`: the two Prio3 reports a client would upload, for inspection.
enum Prio3Upload {
    static func inspect(_ usage: ComponentUsage) throws(CLIFailure) -> String {
        var rng = BufferedSystemRandom()
        let layout = ComponentCatalog.benthos.ldpLayout
        let (bits, moved) = TelemetryMeasurement.presence(usage, layout: layout, using: &rng)
        if moved > 0 {
            CLI.printError("prio3: \(CLI.plural(moved, "plugin")) over the maximum weight of \(TelemetryMeasurement.presenceMaxWeight) reported as unlisted of their kind")
        }
        let pairs = TelemetryMeasurement.pairs(usage, using: &rng)
        do {
            let presence = try TelemetryMeasurement.presenceVDAF(layout: layout)
            let pairsVDAF = try TelemetryMeasurement.pairsVDAF()
            func report(_ name: String, _ vdaf: Prio3<MultihotCountVecCircuit<Field128>>, _ m: [Bool], maxWeight: UInt64, chunk: Int) throws(Prio3Error) -> String {
                var nonce = [UInt8](repeating: 0, count: 16), rand = [UInt8](repeating: 0, count: vdaf.randSize)
                for i in nonce.indices { nonce[i] = UInt8(truncatingIfNeeded: rng.next()) }
                for i in rand.indices { rand[i] = UInt8(truncatingIfNeeded: rng.next()) }
                let (publicShare, inputs) = try vdaf.shard(Array("anonymous-summary".utf8), m, nonce: nonce, rand: rand)
                let p = vdaf.encodePublicShare(publicShare)
                let i = inputs.map { vdaf.encodeInputShare($0) }
                CLI.printError("prio3 \(name): public share \(p.count) bytes, input shares \(i.map(\.count).map(String.init).joined(separator: " and ")) bytes")
                return "\"\(name)\": {\"vdaf\": \"Prio3MultihotCountVec\", \"length\": \(m.count), \"max_weight\": \(maxWeight), "
                    + "\"chunk_length\": \(chunk), \"ctx\": \"\(CLI.hex(Array("anonymous-summary".utf8)))\", \"nonce\": \"\(CLI.hex(nonce))\", "
                    + "\"public_share\": \"\(CLI.hex(p))\", \"input_shares\": [\"\(i.map(CLI.hex).joined(separator: "\", \""))\"]}"
            }
            let a = try report("presence", presence, bits, maxWeight: TelemetryMeasurement.presenceMaxWeight, chunk: TelemetryMeasurement.presenceChunkLength)
            let b = try report("pairs", pairsVDAF, pairs, maxWeight: TelemetryMeasurement.pairsMaxWeight, chunk: TelemetryMeasurement.pairsChunkLength)
            return "{" + a + ", " + b + "}"
        } catch {
            throw CLIFailure(code: .software, message: "prio3: \(error)")
        }
    }
}
