import CommandLineSupport
import Foundation
import VDAF

/// `vdaf run --draft 08`: a vector in draft 08's format (its reference code's `test_vec/08`, which
/// libprio 0.16 shares): the parameters (`shares`, and `bits`, `length`, `chunk_length` or
/// `max_count` as the variant has them), `verify_key`, and per report in `prep` the
/// `measurement`, `nonce` and `rand`. Draft 08 has no application context. Fills in each
/// report's public share, input shares, prep shares, prep messages and out shares (one hex string
/// an element), then the aggregate shares and result.
extension VDAFCommand {
    static let drafts = ["08", "20"]
    static let variants08 = ["Prio3Count", "Prio3Sum", "Prio3SumVec", "Prio3Histogram", "Prio3MultiHotHistogram"]

    static func completeDraft08(_ doc: [String: Any], name: String, shares: Int,
                                int: (String) throws(CLIFailure) -> Int) throws -> [String: Any] {
        let one: (Any) -> UInt64? = { ($0 as? Int).flatMap { $0 >= 0 ? UInt64($0) : nil } }
        let vector: (Any) -> [UInt64]? = { ($0 as? [Int])?.map { UInt64(clamping: $0) } }
        switch name {
        case "Prio3Count":
            return try completeDraft08(doc, try Prio3Variants.Draft08.count(shares: shares), measurement: one, result: { Int($0[0].words.low) })
        case "Prio3Sum":
            return try completeDraft08(doc, try Prio3Variants.Draft08.sum(bits: try int("bits"), shares: shares), measurement: one,
                                       result: { Int($0[0].words.low) })
        case "Prio3SumVec":
            return try completeDraft08(doc, try Prio3Variants.Draft08.sumVec(length: try int("length"), bits: try int("bits"),
                                                                             chunkLength: try int("chunk_length"), shares: shares),
                                       measurement: vector, result: { $0.map { Int($0.words.low) } })
        case "Prio3Histogram":
            return try completeDraft08(doc, try Prio3Variants.Draft08.histogram(length: try int("length"), chunkLength: try int("chunk_length"), shares: shares),
                                       measurement: one, result: { $0.map { Int($0.words.low) } })
        default:
            return try completeDraft08(doc, try Prio3Variants.Draft08.multiHotHistogram(length: try int("length"), maxCount: UInt64(try int("max_count")),
                                                                                        chunkLength: try int("chunk_length"), shares: shares),
                                       measurement: { m in
                                           guard let bits = m as? [Int], bits.allSatisfy({ $0 == 0 || $0 == 1 }) else { return nil }
                                           return bits.map { $0 == 1 }
                                       }, result: { $0.map { Int($0.words.low) } })
        }
    }

    static func completeDraft08<V: ValidityCircuit>(_ doc: [String: Any], _ prio: Prio3<V>, measurement: (Any) -> V.Measurement?,
                                                    result: ([V.F]) -> Any) throws -> [String: Any] {
        var out = doc
        let verifyKey = try bytes(doc["verify_key"], "verify_key")
        guard let reportsIn = doc["prep"] as? [[String: Any]] else { throw CLIFailure(code: .dataError, message: "prep must be a list") }
        var reports: [[String: Any]] = []
        var outShares: [[[V.F]]] = Array(repeating: [], count: prio.shares)
        for (r, input) in reportsIn.enumerated() {
            guard let m = measurement(input["measurement"] as Any) else { throw CLIFailure(code: .dataError, message: "report \(r): measurement") }
            let nonce = try bytes(input["nonce"], "nonce"), rand = try bytes(input["rand"], "rand")
            let (publicShare, inputs) = try prio.shard([], m, nonce: nonce, rand: rand)
            var states: [Prio3VerifyState<V.F>] = [], prepShares: [Prio3VerifierShare<V.F>] = []
            for j in 0..<prio.shares {
                let (state, share) = try prio.verifyInit(verifyKey: verifyKey, ctx: [], aggID: j, nonce: nonce, publicShare: publicShare, inputShare: inputs[j])
                states.append(state)
                prepShares.append(share)
            }
            let message = try prio.verifierSharesToMessage(ctx: [], prepShares)
            var shares: [[V.F]] = []
            for j in 0..<prio.shares {
                let o = try prio.verifyNext(states[j], message: message)
                shares.append(o)
                outShares[j].append(o)
            }
            var report = input
            report["public_share"] = CLI.hex(prio.encodePublicShare(publicShare))
            report["input_shares"] = inputs.map { CLI.hex(prio.encodeInputShare($0)) }
            report["prep_shares"] = [prepShares.map { CLI.hex(prio.encodeVerifierShare($0)) }]
            report["prep_messages"] = [CLI.hex(prio.encodeVerifierMessage(message))]
            report["out_shares"] = shares.map { share in share.map { CLI.hex(prio.encodeShare([$0])) } }
            reports.append(report)
        }
        let aggShares = outShares.map { prio.aggregate($0) }
        out["prep"] = reports
        out["agg_shares"] = aggShares.map { CLI.hex(prio.encodeShare($0)) }
        out["agg_result"] = result(prio.unshard(aggShares))
        if out["agg_param"] == nil { out["agg_param"] = NSNull() }
        return out
    }
}
