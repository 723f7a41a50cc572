@testable import VDAF
import Primitives
import SummaryChecks
import TestSupport
import Foundation
import XCTest

/// Every Prio3 vector of draft-irtf-cfrg-vdaf-20 reproduced byte for byte, and every `bad`
/// vector refused at the operation it names. The vectors are read from ../shared (CI has it; a
/// user's clone does not, and these skip saying so), except the MultihotCountVec ones and the XOF
/// one, copied into Tests/VDAFTests/Vectors so that every clone checks them.
final class Prio3VectorTests: XCTestCase {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static var shared: URL {
        if let dir = ProcessInfo.processInfo.environment["SHARED_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
    }

    static func vector(_ name: String) throws -> [String: Any] {
        let local = here.appendingPathComponent("Vectors").appendingPathComponent(name)
        let url = FileManager.default.fileExists(atPath: local.path) ? local
            : shared.appendingPathComponent("test-vectors/vdaf-20").appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(url.path) is absent: this vector lives in ../shared (beside the project), which CI has and a user's clone does not")
        }
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func bytes(_ hex: Any?) -> [UInt8] {
        guard let text = hex as? String else { return [] }
        var out: [UInt8] = []
        var i = text.startIndex
        while i < text.endIndex {
            let j = text.index(i, offsetBy: 2)
            out.append(UInt8(text[i..<j], radix: 16) ?? 0)
            i = j
        }
        return out
    }

    static func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

    /// Runs the vector's operations in order; returns how many byte strings were compared.
    @discardableResult
    func run<V: ValidityCircuit>(_ name: String, _ prio: Prio3<V>, measurement: (Any) -> V.Measurement?,
                                 result: ([V.F]) -> Any) throws -> Int {
        let v = try Self.vector(name)
        let ctx = Self.bytes(v["ctx"]), verifyKey = Self.bytes(v["verify_key"])
        let reports = try XCTUnwrap(v["reports"] as? [[String: Any]])
        var states: [Int: [Int: Prio3VerifyState<V.F>]] = [:]
        var outShares: [Int: [Int: [V.F]]] = [:]
        var compared = 0
        for op in try XCTUnwrap(v["operations"] as? [[String: Any]]) {
            let kind = op["operation"] as? String ?? ""
            let success = op["success"] as? Bool ?? true
            let r = op["report_index"] as? Int ?? 0
            let j = op["aggregator_id"] as? Int ?? 0
            let report = reports[min(r, reports.count - 1)]
            let nonce = Self.bytes(report["nonce"])
            let wantInputs = (report["input_shares"] as? [String]) ?? []
            let context = "\(name) report \(r) \(kind) aggregator \(j)"
            switch kind {
            case "shard":
                let m = try XCTUnwrap(measurement(report["measurement"] as Any), context)
                let (publicShare, inputs) = try prio.shard(ctx, m, nonce: nonce, rand: Self.bytes(report["rand"]))
                XCTAssertEqual(Self.hex(prio.encodePublicShare(publicShare)), report["public_share"] as? String, context)
                XCTAssertEqual(inputs.map { Self.hex(prio.encodeInputShare($0)) }, wantInputs, context)
                compared += 1 + inputs.count
            case "verify_init":
                do {
                    let publicShare = try prio.decodePublicShare(Self.bytes(report["public_share"]))
                    let input = try prio.decodeInputShare(Self.bytes(wantInputs[j]), aggID: j)
                    let (state, share) = try prio.verifyInit(verifyKey: verifyKey, ctx: ctx, aggID: j, nonce: nonce,
                                                             publicShare: publicShare, inputShare: input)
                    XCTAssertTrue(success, "\(context) should have failed")
                    let want = ((report["verifier_shares"] as? [[String]])?.first?[j]) ?? ""
                    XCTAssertEqual(Self.hex(prio.encodeVerifierShare(share)), want, context)
                    states[r, default: [:]][j] = state
                    compared += 1
                } catch {
                    XCTAssertFalse(success, "\(context): \(error)")
                }
            case "verifier_shares_to_message":
                do {
                    let shares = try ((report["verifier_shares"] as? [[String]])?.first ?? []).map { s throws(Prio3Error) in
                        try prio.decodeVerifierShare(Self.bytes(s))
                    }
                    let message = try prio.verifierSharesToMessage(ctx: ctx, shares)
                    XCTAssertTrue(success, "\(context) should have failed")
                    XCTAssertEqual(Self.hex(prio.encodeVerifierMessage(message)), (report["verifier_messages"] as? [String])?.first, context)
                    compared += 1
                } catch {
                    XCTAssertFalse(success, "\(context): \(error)")
                }
            case "verify_next":
                do {
                    let message = try prio.decodeVerifierMessage(Self.bytes((report["verifier_messages"] as? [String])?.first))
                    let state = try XCTUnwrap(states[r]?[j], context)
                    let out = try prio.verifyNext(state, message: message)
                    XCTAssertTrue(success, "\(context) should have failed")
                    XCTAssertEqual(Self.hex(prio.encodeShare(out)), (report["out_shares"] as? [String])?[j], context)
                    outShares[r, default: [:]][j] = out
                    compared += 1
                } catch {
                    XCTAssertFalse(success, "\(context): \(error)")
                }
            case "aggregate":
                let mine = outShares.keys.sorted().compactMap { outShares[$0]?[j] }
                let agg = prio.aggregate(mine)
                XCTAssertEqual(Self.hex(prio.encodeShare(agg)), (v["agg_shares"] as? [String])?[j], context)
                compared += 1
            case "unshard":
                let shares = try ((v["agg_shares"] as? [String]) ?? []).map { s throws(Prio3Error) in try prio.decodeShare(Self.bytes(s)) }
                let got = result(prio.unshard(shares))
                XCTAssertEqual("\(got)", "\(v["agg_result"] ?? "nil")", context)
                compared += 1
            default:
                XCTFail("\(context): unknown operation")
            }
        }
        if !name.contains("_bad_") {
            XCTAssertGreaterThanOrEqual(compared, 8 * reports.count + 3, "\(name): every operation of every report compared")
        }
        return compared
    }

    static func ints<F: PrioField>(_ v: [F]) -> [Int] { v.map { Int($0.words.low) } }

    func testPrio3Count() throws {
        for name in ["Prio3Count_0.json", "Prio3Count_1.json", "Prio3Count_2.json",
                     "Prio3Count_bad_gadget_poly.json", "Prio3Count_bad_helper_seed.json",
                     "Prio3Count_bad_meas_share.json", "Prio3Count_bad_wire_seed.json"] {
            let v = try Self.vector(name)
            let prio = try Prio3Variants.count(shares: v["shares"] as? Int ?? 2)
            let n = try run(name, prio, measurement: { ($0 as? Int).map(UInt64.init) }, result: { Self.ints($0)[0] })
            XCTAssertGreaterThan(n, name.contains("bad") ? 0 : 8, name)
            print("\(name): \(n) byte strings equal")
        }
    }

    func testPrio3Sum() throws {
        for name in ["Prio3Sum_0.json", "Prio3Sum_1.json", "Prio3Sum_2.json"] {
            let v = try Self.vector(name)
            let prio = try Prio3Variants.sum(maxMeasurement: UInt64(v["max_measurement"] as? Int ?? 0), shares: v["shares"] as? Int ?? 2)
            try run(name, prio, measurement: { ($0 as? Int).map(UInt64.init) }, result: { Self.ints($0)[0] })
        }
    }

    func testPrio3SumVec() throws {
        for name in ["Prio3SumVec_0.json", "Prio3SumVec_1.json"] {
            let v = try Self.vector(name)
            let prio = try Prio3Variants.sumVec(length: v["length"] as? Int ?? 0, maxMeasurement: UInt64(v["max_measurement"] as? Int ?? 0),
                                                chunkLength: v["chunk_length"] as? Int ?? 0, shares: v["shares"] as? Int ?? 2)
            try run(name, prio, measurement: { ($0 as? [Int])?.map(UInt64.init) }, result: { Self.ints($0) })
        }
    }

    func testPrio3Histogram() throws {
        for name in ["Prio3Histogram_0.json", "Prio3Histogram_1.json", "Prio3Histogram_2.json",
                     "Prio3Histogram_bad_helper_jr_blind.json", "Prio3Histogram_bad_leader_jr_blind.json",
                     "Prio3Histogram_bad_public_share.json", "Prio3Histogram_bad_verifier_message.json"] {
            let v = try Self.vector(name)
            let prio = try Prio3Variants.histogram(length: v["length"] as? Int ?? 0, chunkLength: v["chunk_length"] as? Int ?? 0,
                                                   shares: v["shares"] as? Int ?? 2)
            try run(name, prio, measurement: { ($0 as? Int).map(UInt64.init) }, result: { Self.ints($0) })
        }
    }

    func testPrio3MultihotCountVec() throws {
        for name in ["Prio3MultihotCountVec_0.json", "Prio3MultihotCountVec_1.json", "Prio3MultihotCountVec_2.json"] {
            let v = try Self.vector(name)
            let prio = try Prio3Variants.multihotCountVec(length: v["length"] as? Int ?? 0, maxWeight: UInt64(v["max_weight"] as? Int ?? 0),
                                                          chunkLength: v["chunk_length"] as? Int ?? 0, shares: v["shares"] as? Int ?? 2)
            try run(name, prio, measurement: { ($0 as? [Bool]) }, result: { Self.ints($0) })
        }
    }

    /// The multiproof vectors: SumVec over Field64 with three proofs, under the private-use id
    /// the draft's reference gives this test-only variant.
    func testPrio3SumVecWithMultiproof() throws {
        for name in ["Prio3SumVecWithMultiproof_0.json", "Prio3SumVecWithMultiproof_1.json"] {
            let v = try Self.vector(name)
            guard let c = SumVecCircuit<Field64>(length: v["length"] as? Int ?? 0, maxMeasurement: UInt64(v["max_measurement"] as? Int ?? 0),
                                                 chunkLength: v["chunk_length"] as? Int ?? 0) else { return XCTFail("parameters") }
            let prio = try Prio3(circuit: c, id: 0xFFFF_FFFF, shares: v["shares"] as? Int ?? 2, proofs: 3)
            try run(name, prio, measurement: { ($0 as? [Int])?.map(UInt64.init) }, result: { Self.ints($0) })
        }
    }

    func testXofTurboShake128() throws {
        let v = try Self.vector("XofTurboShake128.json")
        let seed = Self.bytes(v["seed"]), dst = Self.bytes(v["dst"]), binder = Self.bytes(v["binder"])
        XCTAssertEqual(Self.hex(try XofTurboShake128.deriveSeed(seed: seed, dst: dst, binder: binder)), v["derived_seed"] as? String)
        var xof = try XofTurboShake128(seed: seed, dst: dst, binder: binder)
        var vec: [Field128] = []
        while vec.count < (v["length"] as? Int ?? 0) {
            if let x = Field128.fromMaskedBytes(xof.next(16)[...]) { vec.append(x) }
        }
        XCTAssertEqual(Self.hex(Field128.encodeVec(vec)), v["expanded_vec_field128"] as? String)
    }
}
