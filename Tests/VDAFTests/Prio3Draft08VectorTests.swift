@testable import VDAF
import Foundation
import XCTest

/// The Prio3 vectors of draft-irtf-cfrg-vdaf-08 (what Janus 0.7, Firefox and Daphne run; libprio
/// 0.16's are byte-identical) reproduced byte for byte: public share, input shares, prep shares,
/// prep messages, out shares, aggregate shares and the aggregate result of every report; and
/// every report tampered (draft 08 has no `bad` vectors) refused. The small vectors are copied
/// into Tests/VDAFTests/Vectors/vdaf-08 so that every clone checks them; SumVec's (44 KB) and
/// the multiproof ones are read from ../shared and skip, saying so, without it.
final class Prio3Draft08VectorTests: XCTestCase {
    static func vector(_ name: String) throws -> [String: Any] {
        let local = Prio3VectorTests.here.appendingPathComponent("Vectors/vdaf-08").appendingPathComponent(name)
        let url = FileManager.default.fileExists(atPath: local.path) ? local
            : Prio3VectorTests.shared.appendingPathComponent("test-vectors/vdaf-08").appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(url.path) is absent: this vector lives in ../shared (beside the project), which CI has and a user's clone does not")
        }
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static let bytes = Prio3VectorTests.bytes
    static let hex = Prio3VectorTests.hex

    /// Runs every report of the vector through every role and compares each byte string;
    /// returns how many were compared. Then tampers with each report and checks it is refused.
    @discardableResult
    func run<V: ValidityCircuit>(_ name: String, _ prio: Prio3<V>, measurement: (Any) -> V.Measurement?,
                                 result: ([V.F]) -> Any) throws -> Int {
        let v = try Self.vector(name)
        XCTAssertEqual(prio.draft, .draft08)
        let verifyKey = Self.bytes(v["verify_key"])
        let reports = try XCTUnwrap(v["prep"] as? [[String: Any]], name)
        var outShares = [[[V.F]]](repeating: [], count: prio.shares)
        var compared = 0
        for (r, report) in reports.enumerated() {
            let context = "\(name) report \(r)"
            let nonce = Self.bytes(report["nonce"])
            let m = try XCTUnwrap(measurement(report["measurement"] as Any), context)
            let (publicShare, inputs) = try prio.shard([], m, nonce: nonce, rand: Self.bytes(report["rand"]))
            XCTAssertEqual(Self.hex(prio.encodePublicShare(publicShare)), report["public_share"] as? String, "\(context) public share")
            let wantInputs = try XCTUnwrap(report["input_shares"] as? [String], context)
            XCTAssertEqual(inputs.map { Self.hex(prio.encodeInputShare($0)) }, wantInputs, "\(context) input shares")
            compared += 1 + inputs.count

            // Each aggregator from the vector's bytes, not from shard's values.
            let wantPrepShares = try XCTUnwrap((report["prep_shares"] as? [[String]])?.first, context)
            let decodedPublic = try prio.decodePublicShare(Self.bytes(report["public_share"]))
            var states: [Prio3VerifyState<V.F>] = []
            for j in 0..<prio.shares {
                let input = try prio.decodeInputShare(Self.bytes(wantInputs[j]), aggID: j)
                let (state, share) = try prio.verifyInit(verifyKey: verifyKey, ctx: [], aggID: j, nonce: nonce,
                                                         publicShare: decodedPublic, inputShare: input)
                XCTAssertEqual(Self.hex(prio.encodeVerifierShare(share)), wantPrepShares[j], "\(context) prep share \(j)")
                states.append(state)
                compared += 1
            }
            let prepShares = try wantPrepShares.map { s throws(Prio3Error) in try prio.decodeVerifierShare(Self.bytes(s)) }
            let message = try prio.verifierSharesToMessage(ctx: [], prepShares)
            XCTAssertEqual(Self.hex(prio.encodeVerifierMessage(message)), (report["prep_messages"] as? [String])?.first, "\(context) prep message")
            compared += 1
            let decodedMessage = try prio.decodeVerifierMessage(Self.bytes((report["prep_messages"] as? [String])?.first))
            let wantOut = try XCTUnwrap(report["out_shares"] as? [[String]], context)
            for j in 0..<prio.shares {
                let out = try prio.verifyNext(states[j], message: decodedMessage)
                XCTAssertEqual(Self.hex(prio.encodeShare(out)), wantOut[j].joined(), "\(context) out share \(j)")
                outShares[j].append(out)
                compared += 1
            }
            try checkTamperedRefused(prio, context: context, verifyKey: verifyKey, nonce: nonce,
                                     publicShare: Self.bytes(report["public_share"]), inputs: wantInputs.map(Self.bytes))
        }
        let wantAgg = try XCTUnwrap(v["agg_shares"] as? [String], name)
        let aggShares = outShares.map { prio.aggregate($0) }
        XCTAssertEqual(aggShares.map { Self.hex(prio.encodeShare($0)) }, wantAgg, "\(name) aggregate shares")
        let decodedAgg = try wantAgg.map { s throws(Prio3Error) in try prio.decodeShare(Self.bytes(s)) }
        XCTAssertEqual("\(result(prio.unshard(decodedAgg)))", "\(v["agg_result"] ?? "nil")", "\(name) aggregate result")
        compared += prio.shares + 1
        XCTAssertEqual(compared, reports.count * (2 + 3 * prio.shares) + prio.shares + 1, "\(name): every byte string compared")
        return compared
    }

    /// The whole preparation on these bytes; returns the out shares, throws where it refuses.
    static func prepare<V: ValidityCircuit>(_ prio: Prio3<V>, verifyKey: [UInt8], nonce: [UInt8], publicShare: [UInt8],
                                            inputs: [[UInt8]]) throws -> [[V.F]] {
        let ps = try prio.decodePublicShare(publicShare)
        var states: [Prio3VerifyState<V.F>] = [], shares: [Prio3VerifierShare<V.F>] = []
        for j in 0..<prio.shares {
            let (s, v) = try prio.verifyInit(verifyKey: verifyKey, ctx: [], aggID: j, nonce: nonce, publicShare: ps,
                                             inputShare: try prio.decodeInputShare(inputs[j], aggID: j))
            states.append(s)
            shares.append(v)
        }
        let message = try prio.verifierSharesToMessage(ctx: [], shares)
        return try states.map { try prio.verifyNext($0, message: message) }
    }

    /// A bit flipped in the Leader's measurement share, in its proof share, in a Helper's seed
    /// (and proofs seed), in a blind and in the public share: each refused, by verification or
    /// by the joint randomness check (a flip in the top bits of an element may be refused by
    /// decoding instead, which is a refusal too). The untampered bytes pass.
    func checkTamperedRefused<V: ValidityCircuit>(_ prio: Prio3<V>, context: String, verifyKey: [UInt8], nonce: [UInt8],
                                                  publicShare: [UInt8], inputs: [[UInt8]]) throws {
        XCTAssertNoThrow(try Self.prepare(prio, verifyKey: verifyKey, nonce: nonce, publicShare: publicShare, inputs: inputs), context)
        let size = V.F.encodedSize, seed = prio.seedSize
        let measBytes = prio.circuit.measLen * size
        var places: [(what: String, share: Int, at: Int)] = [
            ("the Leader's measurement share", 0, 0),
            ("the Leader's proof share", 0, measBytes),
            ("the Leader's last proof element", 0, measBytes + prio.circuit.proofLen * prio.proofs * size - size),
            ("a Helper's measurement seed", 1, 0),
            ("a Helper's proofs seed", 1, seed),
        ]
        if prio.circuit.jointRandLen > 0 {
            places.append(("the Leader's blind", 0, inputs[0].count - 1))
            places.append(("a Helper's blind", 1, inputs[1].count - 1))
            places.append(("the public share", -1, 0))
        }
        for (what, share, at) in places {
            var p = publicShare, i = inputs
            if share < 0 { p[at] ^= 1 } else { i[share][at] ^= 1 }
            XCTAssertThrowsError(try Self.prepare(prio, verifyKey: verifyKey, nonce: nonce, publicShare: p, inputs: i),
                                 "\(context): \(what) tampered, accepted")
        }
    }

    static func ints<F: PrioField>(_ v: [F]) -> [Int] { v.map { Int($0.words.low) } }

    func testPrio3Count() throws {
        for name in ["Prio3Count_0.json", "Prio3Count_1.json"] {
            let v = try Self.vector(name)
            let prio = try Prio3Variants.Draft08.count(shares: v["shares"] as? Int ?? 2)
            try run(name, prio, measurement: { ($0 as? Int).map(UInt64.init) }, result: { Self.ints($0)[0] })
        }
    }

    func testPrio3Sum() throws {
        for name in ["Prio3Sum_0.json", "Prio3Sum_1.json"] {
            let v = try Self.vector(name)
            let prio = try Prio3Variants.Draft08.sum(bits: v["bits"] as? Int ?? 0, shares: v["shares"] as? Int ?? 2)
            try run(name, prio, measurement: { ($0 as? Int).map(UInt64.init) }, result: { Self.ints($0)[0] })
        }
    }

    func testPrio3SumVec() throws {
        for name in ["Prio3SumVec_0.json", "Prio3SumVec_1.json"] {
            let v = try Self.vector(name)
            let prio = try Prio3Variants.Draft08.sumVec(length: v["length"] as? Int ?? 0, bits: v["bits"] as? Int ?? 0,
                                                        chunkLength: v["chunk_length"] as? Int ?? 0, shares: v["shares"] as? Int ?? 2)
            try run(name, prio, measurement: { ($0 as? [Int])?.map(UInt64.init) }, result: { Self.ints($0) })
        }
    }

    func testPrio3Histogram() throws {
        for name in ["Prio3Histogram_0.json", "Prio3Histogram_1.json"] {
            let v = try Self.vector(name)
            let prio = try Prio3Variants.Draft08.histogram(length: v["length"] as? Int ?? 0, chunkLength: v["chunk_length"] as? Int ?? 0,
                                                           shares: v["shares"] as? Int ?? 2)
            try run(name, prio, measurement: { ($0 as? Int).map(UInt64.init) }, result: { Self.ints($0) })
        }
    }

    func testPrio3MultiHotHistogram() throws {
        for name in ["Prio3MultiHotHistogram_0.json", "Prio3MultiHotHistogram_1.json"] {
            let v = try Self.vector(name)
            let prio = try Prio3Variants.Draft08.multiHotHistogram(length: v["length"] as? Int ?? 0, maxCount: UInt64(v["max_count"] as? Int ?? 0),
                                                                   chunkLength: v["chunk_length"] as? Int ?? 0, shares: v["shares"] as? Int ?? 2)
            try run(name, prio, measurement: { ($0 as? [Int])?.map { $0 != 0 } }, result: { Self.ints($0) })
        }
    }

    func testXofTurboShake128() throws {
        let v = try Self.vector("XofTurboShake128.json")
        let seed = Self.bytes(v["seed"]), dst = Self.bytes(v["dst"]), binder = Self.bytes(v["binder"])
        XCTAssertEqual(seed.count, VDAFDraft.draft08.seedSize)
        XCTAssertEqual(Self.hex(try XofTurboShake128.deriveSeed(seed: seed, dst: dst, binder: binder, draft: .draft08)), v["derived_seed"] as? String)
        var xof = try XofTurboShake128(seed: seed, dst: dst, binder: binder, draft: .draft08)
        var vec: [Field128] = []
        while vec.count < (v["length"] as? Int ?? 0) {
            if let x = Field128.fromMaskedBytes(xof.next(16)[...]) { vec.append(x) }
        }
        XCTAssertEqual(Self.hex(Field128.encodeVec(vec)), v["expanded_vec_field128"] as? String)
    }

    /// Draft 08 has no application context: a non-empty one is refused, not silently dropped.
    func testDraft08RefusesAContext() throws {
        let prio = try Prio3Variants.Draft08.count()
        XCTAssertThrowsError(try prio.shard([1], 1, nonce: [UInt8](repeating: 0, count: 16), rand: [UInt8](repeating: 0, count: prio.randSize)))
    }
}

extension Prio3Draft08VectorTests {
    /// SumVec over Field64 with several proofs under the private-use id 0xFFFFFFFF: the draft's
    /// reference vectors (`Prio3SumVecWithMultiproof`, PROOFS read from the share's length) and
    /// libprio 0.16's (`libprio-Prio3SumVecField64Multiproof`).
    func testPrio3SumVecField64Multiproof() throws {
        for name in ["Prio3SumVecWithMultiproof_0.json", "libprio-Prio3SumVecField64Multiproof_0.json",
                     "libprio-Prio3SumVecField64Multiproof_1.json"] {
            let v = try Self.vector(name)
            guard let c = Draft08SumVecCircuit<Field64>(length: v["length"] as? Int ?? 0, bits: v["bits"] as? Int ?? 0,
                                                         chunkLength: v["chunk_length"] as? Int ?? 0) else { return XCTFail("parameters") }
            let leader = Self.bytes(((v["prep"] as? [[String: Any]])?.first?["input_shares"] as? [String])?.first)
            let proofBytes = leader.count - VDAFDraft.draft08.seedSize - c.measLen * Field64.encodedSize
            let proofs = proofBytes / (c.proofLen * Field64.encodedSize)
            let prio = try Prio3(circuit: c, id: 0xFFFF_FFFF, draft: .draft08, shares: v["shares"] as? Int ?? 2, proofs: proofs)
            print("\(name): \(proofs) proofs")
            try run(name, prio, measurement: { ($0 as? [Int])?.map(UInt64.init) }, result: { Self.ints($0) })
        }
    }
}
