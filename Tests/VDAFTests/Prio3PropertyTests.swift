import VDAF
import Primitives
import TestSupport
@testable import SummaryChecks
import XCTest

/// Properties of Prio3 over random measurements of every circuit: the pipeline gives the sum;
/// a flipped byte anywhere in a share is refused (by decoding or by verification); the decoders
/// take any bytes without trapping. `PRIO3_ITERATIONS` runs more.
final class Prio3PropertyTests: XCTestCase {
    /// The tests' seeded generator (SummaryChecks' SplitMix64), with bytes.
    typealias Rng = SplitMix64

    static var iterations: Int {
        if let text = getenv("PRIO3_ITERATIONS").map({ String(cString: $0) }), let n = Int(text) { return n }
        return 12
    }

    /// Shard, both verifications, aggregation, unshard: the sum of the truncated encodings.
    /// Then every byte of the report flipped, one at a time (a sample of positions), is refused.
    func check<V: ValidityCircuit>(_ prio: Prio3<V>, _ g: inout Rng, measurement: (inout Rng) -> V.Measurement,
                                   truth: (V.Measurement) -> [V.F], name: String) throws {
        let ctx = Array("property".utf8)
        let verifyKey = g.bytes(32)
        var outs: [[[V.F]]] = [[], []]
        var want = [V.F](repeating: .zero, count: prio.flp.circuit.outputLen)
        for _ in 0..<Self.iterations {
            let m = measurement(&g)
            want = vecAdd(want, truth(m))
            let nonce = g.bytes(16)
            let (publicShare, inputs) = try prio.shard(ctx, m, nonce: nonce, rand: g.bytes(prio.randSize))
            let publicBytes = prio.encodePublicShare(publicShare)
            let inputBytes = inputs.map { prio.encodeInputShare($0) }
            func verify(_ publicBytes: [UInt8], _ inputBytes: [[UInt8]]) throws -> [[V.F]] {
                let ps = try prio.decodePublicShare(publicBytes)
                var states: [Prio3VerifyState<V.F>] = [], shares: [Prio3VerifierShare<V.F>] = []
                for j in 0..<2 {
                    let (s, v) = try prio.verifyInit(verifyKey: verifyKey, ctx: ctx, aggID: j, nonce: nonce, publicShare: ps,
                                                     inputShare: try prio.decodeInputShare(inputBytes[j], aggID: j))
                    states.append(s)
                    shares.append(try prio.decodeVerifierShare(prio.encodeVerifierShare(v)))
                }
                let message = try prio.verifierSharesToMessage(ctx: ctx, shares)
                return try states.map { try prio.verifyNext($0, message: message) }
            }
            let out = try verify(publicBytes, inputBytes)
            outs[0].append(out[0])
            outs[1].append(out[1])
            // Tampering: a byte of the Leader's share (its measurement or its proof), of the
            // Helper's seed or blind, or of the public share, flipped.
            var positions: [(Int, Int)] = []
            for j in 0..<2 where !inputBytes[j].isEmpty {
                for _ in 0..<4 { positions.append((j, Int(g.next() % UInt64(inputBytes[j].count)))) }
            }
            if !publicBytes.isEmpty { for _ in 0..<2 { positions.append((2, Int(g.next() % UInt64(publicBytes.count)))) } }
            for (which, at) in positions {
                var p = publicBytes, i = inputBytes
                let bit = UInt8(1) << UInt8(g.next() % 8)
                if which == 2 { p[at] ^= bit } else { i[which][at] ^= bit }
                if let tampered = try? verify(p, i) {
                    // Only a change that leaves the measurement valid and the proof consistent
                    // could pass; a flipped byte does not, save with negligible probability.
                    XCTFail("\(name): a flipped bit in \(which == 2 ? "the public share" : "input share \(which)") at byte \(at) passed: \(tampered)")
                }
            }
        }
        let aggs = [prio.aggregate(outs[0]), prio.aggregate(outs[1])]
        XCTAssertEqual(prio.unshard(aggs), want, name)
    }

    func testEveryCircuitSumsExactlyAndRefusesTampering() throws {
        var g = Rng(seed: 42)
        try check(try Prio3Variants.count(), &g, measurement: { UInt64($0.next() % 2) }, truth: { [Field64($0)] }, name: "Count")
        try check(try Prio3Variants.sum(maxMeasurement: 100), &g, measurement: { $0.next() % 101 }, truth: { [Field64($0)] }, name: "Sum")
        try check(try Prio3Variants.sumVec(length: 5, maxMeasurement: 7, chunkLength: 3), &g,
                  measurement: { g in (0..<5).map { _ in g.next() % 8 } }, truth: { $0.map(Field128.init) }, name: "SumVec")
        try check(try Prio3Variants.histogram(length: 7, chunkLength: 3), &g, measurement: { $0.next() % 7 },
                  truth: { m in (0..<7).map { $0 == Int(m) ? Field128.one : .zero } }, name: "Histogram")
        try check(try Prio3Variants.multihotCountVec(length: 10, maxWeight: 4, chunkLength: 3), &g,
                  measurement: { g in
                      var v = [Bool](repeating: false, count: 10)
                      for _ in 0..<Int(g.next() % 5) { v[Int(g.next() % 10)] = true }
                      return v
                  }, truth: { $0.map { $0 ? Field128.one : .zero } }, name: "MultihotCountVec")
    }

    /// A measurement outside the circuit's domain is refused by the client, never sharded.
    func testInvalidMeasurementsAreRefusedAtShard() throws {
        let prio = try Prio3Variants.multihotCountVec(length: 4, maxWeight: 2, chunkLength: 2)
        let rand = [UInt8](repeating: 1, count: prio.randSize), nonce = [UInt8](repeating: 2, count: 16)
        XCTAssertThrowsError(try prio.shard([], [true, true, true, false], nonce: nonce, rand: rand))
        XCTAssertThrowsError(try prio.shard([], [true], nonce: nonce, rand: rand))
        XCTAssertThrowsError(try prio.shard([], [true, false, false, false], nonce: [1], rand: rand))
        XCTAssertThrowsError(try Prio3Variants.count().shard([], 2, nonce: nonce, rand: [UInt8](repeating: 0, count: 64)))
    }

    /// Any bytes through every decoder: a value or a clean error, never a trap.
    func testDecodersTakeAnyBytes() throws {
        var g = Rng(seed: 7)
        let prio = try Prio3Variants.multihotCountVec(length: 10, maxWeight: 4, chunkLength: 3)
        let count = try Prio3Variants.count()
        var decoded = 0
        for _ in 0..<(Self.iterations * 100) {
            let n = Int(g.next() % 1_200)
            let bytes = g.next() % 4 == 0 ? [UInt8](repeating: 0xFF, count: n) : g.bytes(n)
            for j in 0..<2 { if (try? prio.decodeInputShare(bytes, aggID: j)) != nil { decoded += 1 } }
            _ = try? prio.decodePublicShare(bytes)
            _ = try? prio.decodeVerifierShare(bytes)
            _ = try? prio.decodeVerifierMessage(bytes)
            _ = try? prio.decodeShare(bytes)
            _ = try? count.decodeInputShare(bytes, aggID: 0)
            _ = try? count.decodeShare(bytes)
            _ = Field128.decodeVec(bytes)
            _ = Field64.decodeVec(bytes)
        }
        // The right lengths of random bytes do decode (Helper shares are any 64 bytes).
        XCTAssertNotNil(try? prio.decodeInputShare(g.bytes(64), aggID: 1))
        XCTAssertNil(try? prio.decodeInputShare([UInt8](repeating: 0xFF, count: 16 * (prio.flp.circuit.measLen + prio.flp.circuit.proofLen) + 32), aggID: 0),
                     "elements at or above the modulus are refused")
        _ = decoded
    }
}
