import Foundation
import VDAF
import DAP
import TelemetryDAP
import CommandLineSupport

/// `anonymous-summary-dev vdaf run [--vdaf NAME] FILE|-`: completes a Prio3 test vector.
///
/// Reads a document in the official vector format (draft-irtf-cfrg-vdaf-20, "Test Vectors")
/// holding only the inputs: the instance's parameters (`shares`, and `length`, `chunk_length`,
/// `max_measurement` or `max_weight` as the variant has them), `ctx`, `verify_key`, `agg_param`,
/// and per report `measurement`, `nonce`, `rand`. Writes the complete vector: every report's
/// public share, input shares, verifier shares and messages, out shares, then the aggregate
/// shares and result, and the operations list, for any parameters. The variant comes from
/// `--vdaf` or the file's name (`Prio3Histogram_…json`). `--draft 08` reads and writes draft 08's
/// format instead (VDAFCommand+Draft08.swift).
enum VDAFCommand {
    static var usage: String { CommandTable.vdaf.help }

    static let variants = ["Prio3Count", "Prio3Sum", "Prio3SumVec", "Prio3Histogram", "Prio3MultihotCountVec"]

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let parsed = try CLI.parse(arguments, CommandTable.vdaf)
        let (flags, operands) = (parsed.flags, parsed.operands)
        guard operands.count == 1 else { throw CLIFailure(code: .usage, message: usage) }
        let path = operands[0]
        let base = (path as NSString).lastPathComponent
        let draft08 = flags["--draft"]?.last == "08"
        let names = draft08 ? variants08 : variants
        guard let name = flags["--vdaf"]?.last ?? names.sorted(by: { $0.count > $1.count }).first(where: { base.hasPrefix($0 + "_") || base == $0 + ".json" }),
              names.contains(name) else {
            throw CLIFailure(code: .usage, message: "vdaf run: name the variant with --vdaf (\(names.joined(separator: ", "))); the file name does not say it")
        }
        let bytes = try CLI.readInput(path, limit: 64 << 20)
        guard let doc = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw CLIFailure(code: .dataError, message: "\(CLI.displayName(path)): not a JSON object")
        }
        func int(_ key: String) throws(CLIFailure) -> Int {
            guard let n = doc[key] as? Int, n >= 0 else { throw CLIFailure(code: .dataError, message: "\(CLI.displayName(path)): \(key) must be a whole number") }
            return n
        }
        let shares = (doc["shares"] as? Int) ?? 2
        var out: [String: Any]
        do {
            if draft08 { out = try completeDraft08(doc, name: name, shares: shares, int: int) } else {
            switch name {
            case "Prio3Count":
                out = try complete(doc, try Prio3Variants.count(shares: shares), measurement: { ($0 as? Int).map(UInt64.init) }, result: { Int($0[0].words.low) })
            case "Prio3Sum":
                out = try complete(doc, try Prio3Variants.sum(maxMeasurement: UInt64(try int("max_measurement")), shares: shares),
                                   measurement: { ($0 as? Int).map(UInt64.init) }, result: { Int($0[0].words.low) })
            case "Prio3SumVec":
                out = try complete(doc, try Prio3Variants.sumVec(length: try int("length"), maxMeasurement: UInt64(try int("max_measurement")),
                                                                 chunkLength: try int("chunk_length"), shares: shares),
                                   measurement: { ($0 as? [Int])?.map(UInt64.init) }, result: { $0.map { Int($0.words.low) } })
            case "Prio3Histogram":
                out = try complete(doc, try Prio3Variants.histogram(length: try int("length"), chunkLength: try int("chunk_length"), shares: shares),
                                   measurement: { ($0 as? Int).map(UInt64.init) }, result: { $0.map { Int($0.words.low) } })
            default:
                out = try complete(doc, try Prio3Variants.multihotCountVec(length: try int("length"), maxWeight: UInt64(try int("max_weight")),
                                                                           chunkLength: try int("chunk_length"), shares: shares),
                                   measurement: { ($0 as? [Bool]) }, result: { $0.map { Int($0.words.low) } })
            }
            }
        } catch let failure as CLIFailure {
            throw failure
        } catch Prio3Error.flp {
            throw CLIFailure(code: .dataError, message: "\(CLI.displayName(path)): a measurement or a random value has the wrong length for the proof")
        } catch let error as Prio3Error {
            throw CLIFailure(code: .dataError, message: "\(CLI.displayName(path)): \(error.description)")
        } catch {
            throw CLIFailure(code: .dataError, message: "\(CLI.displayName(path)): the vector's inputs do not fit \(name)")
        }
        guard let data = try? JSONSerialization.data(withJSONObject: out, options: [.prettyPrinted, .sortedKeys]) else {
            throw CLIFailure(code: .software, message: "vdaf run: the vector could not be encoded")
        }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static func bytes(_ value: Any?, _ what: String) throws(CLIFailure) -> [UInt8] {
        guard let text = value as? String, text.count % 2 == 0 else { throw CLIFailure(code: .dataError, message: "\(what) must be hex") }
        var out: [UInt8] = []
        var i = text.startIndex
        while i < text.endIndex {
            let j = text.index(i, offsetBy: 2)
            guard let b = UInt8(text[i..<j], radix: 16) else { throw CLIFailure(code: .dataError, message: "\(what) must be hex") }
            out.append(b)
            i = j
        }
        return out
    }

    static func complete<V: ValidityCircuit>(_ doc: [String: Any], _ prio: Prio3<V>, measurement: (Any) -> V.Measurement?,
                                              result: ([V.F]) -> Any) throws -> [String: Any] {
        var out = doc
        let ctx = try bytes(doc["ctx"], "ctx"), verifyKey = try bytes(doc["verify_key"], "verify_key")
        guard let reportsIn = doc["reports"] as? [[String: Any]] else { throw CLIFailure(code: .dataError, message: "reports must be a list") }
        var reports: [[String: Any]] = []
        var outShares: [[[V.F]]] = Array(repeating: [], count: prio.shares)
        var operations: [[String: Any]] = []
        for (r, input) in reportsIn.enumerated() {
            guard let m = measurement(input["measurement"] as Any) else { throw CLIFailure(code: .dataError, message: "report \(r): measurement") }
            let nonce = try bytes(input["nonce"], "nonce"), rand = try bytes(input["rand"], "rand")
            let (publicShare, inputs) = try prio.shard(ctx, m, nonce: nonce, rand: rand)
            operations.append(["operation": "shard", "report_index": r, "success": true])
            var states: [Prio3VerifyState<V.F>] = [], verifierShares: [Prio3VerifierShare<V.F>] = []
            for j in 0..<prio.shares {
                let (state, share) = try prio.verifyInit(verifyKey: verifyKey, ctx: ctx, aggID: j, nonce: nonce, publicShare: publicShare, inputShare: inputs[j])
                states.append(state)
                verifierShares.append(share)
                operations.append(["operation": "verify_init", "aggregator_id": j, "report_index": r, "success": true])
            }
            let message = try prio.verifierSharesToMessage(ctx: ctx, verifierShares)
            operations.append(["operation": "verifier_shares_to_message", "report_index": r, "round": 0, "success": true])
            var shares: [[V.F]] = []
            for j in 0..<prio.shares {
                let o = try prio.verifyNext(states[j], message: message)
                shares.append(o)
                outShares[j].append(o)
                operations.append(["operation": "verify_next", "aggregator_id": j, "report_index": r, "round": 1, "success": true])
            }
            var report = input
            report["public_share"] = CLI.hex(prio.encodePublicShare(publicShare))
            report["input_shares"] = inputs.map { CLI.hex(prio.encodeInputShare($0)) }
            report["verifier_shares"] = [verifierShares.map { CLI.hex(prio.encodeVerifierShare($0)) }]
            report["verifier_messages"] = [CLI.hex(prio.encodeVerifierMessage(message))]
            report["out_shares"] = shares.map { CLI.hex(prio.encodeShare($0)) }
            reports.append(report)
        }
        let aggShares = outShares.map { prio.aggregate($0) }
        for j in 0..<prio.shares { operations.append(["operation": "aggregate", "aggregator_id": j, "success": true]) }
        operations.append(["operation": "unshard", "success": true])
        out["reports"] = reports
        out["agg_shares"] = aggShares.map { CLI.hex(prio.encodeShare($0)) }
        out["agg_result"] = result(prio.unshard(aggShares))
        out["operations"] = operations
        if out["agg_param"] == nil { out["agg_param"] = "" }
        return out
    }
}
