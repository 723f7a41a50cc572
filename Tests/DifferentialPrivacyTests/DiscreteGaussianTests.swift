@testable import DifferentialPrivacy
import Primitives
import SummaryChecks
import Foundation
import XCTest

/// The sampler against the discrete Gaussian's own probabilities, and the slow (big-number) path
/// against the fast one.
final class DiscreteGaussianTests: XCTestCase {
    /// P(k) ∝ exp(−k²/(2σ²)), normalised over a range wide enough that the rest is < 1e-30.
    static func probabilities(variance: Double, upTo limit: Int) -> [Double] {
        var weights = (0...limit).map { k in Elementary.exp(-Double(k * k) / (2 * variance)) }
        let total = weights[0] + 2 * weights.dropFirst().reduce(0, +)
        for i in weights.indices { weights[i] /= total }
        return weights
    }

    /// The chi-square statistic of `draws` draws against the exact probabilities, over values
    /// −K…K with expected counts of at least 5 each and both tails pooled, and its degrees of freedom.
    static func chiSquare(_ gaussian: DiscreteGaussian, draws: Int, seed: UInt64) -> (statistic: Double, df: Int, mean: Double) {
        var g = SplitMix64(seed: seed)
        let limit = Int(gaussian.sigma * 12) + 12
        var counts = [Int: Int]()
        var sum = 0.0
        for _ in 0..<draws {
            let x = Int(gaussian.sample(using: &g))
            counts[x, default: 0] += 1
            sum += Double(x)
        }
        let p = probabilities(variance: gaussian.variance, upTo: limit)
        var k = 0
        while k + 1 <= limit && p[k + 1] * Double(draws) >= 5 { k += 1 }
        var statistic = 0.0
        var tailP = 1.0
        for x in -k...k {
            let expected = p[abs(x)] * Double(draws)
            let observed = Double(counts[x] ?? 0)
            statistic += (observed - expected) * (observed - expected) / expected
            tailP -= p[abs(x)]
        }
        let tailObserved = Double(counts.filter { abs($0.key) > k }.values.reduce(0, +))
        let tailExpected = max(tailP, 0) * Double(draws)
        var df = 2 * k
        if tailExpected >= 1 {
            statistic += (tailObserved - tailExpected) * (tailObserved - tailExpected) / tailExpected
            df += 1
        } else {
            XCTAssertLessThanOrEqual(tailObserved, 10, "values beyond ±\(k) where almost none are expected")
        }
        return (statistic, df, sum / Double(draws))
    }

    /// The chi-square quantile at 1 − 1e-4 (Wilson–Hilferty): a false alarm once in 10,000 runs.
    static func critical(df: Int) -> Double {
        let z = 3.719  // standard normal 1 − 1e-4
        let d = Double(df)
        let a = 1 - 2 / (9 * d) + z * (2 / (9 * d)).squareRoot()
        return d * a * a * a
    }

    /// 10^6 draws for each σ in {0.5, 3, 40} (PROPERTY_ITERATIONS-style: DG_DRAWS overrides).
    func testDrawsFollowTheDiscreteGaussianExactly() throws {
        let draws = Int(ProcessInfo.processInfo.environment["DG_DRAWS"] ?? "") ?? 1_000_000
        for (sigma2Num, den, seed) in [(UInt64(256), UInt64(1024), UInt64(1)), (9, 1, 2), (1600, 1, 3)] {
            let gaussian = try XCTUnwrap(DiscreteGaussian(varianceNumerator: sigma2Num, denominator: den))
            let (statistic, df, mean) = Self.chiSquare(gaussian, draws: draws, seed: seed)
            XCTAssertLessThan(statistic, Self.critical(df: df), "σ² = \(gaussian.variance): χ² = \(statistic) with \(df) df")
            XCTAssertLessThan(abs(mean), 5 * gaussian.sigma / Double(draws).squareRoot() + 1e-9, "σ² = \(gaussian.variance): mean \(mean)")
        }
    }

    /// The test above can fail: a sampler off by a little (σ² 3% too large, or zero counted on
    /// both signs) is caught at the same number of draws.
    func testTheChiSquareTestCatchesASlightlyWrongSampler() throws {
        let draws = Int(ProcessInfo.processInfo.environment["DG_DRAWS"] ?? "") ?? 1_000_000
        let truth = try XCTUnwrap(DiscreteGaussian(varianceNumerator: 9 * 1024, denominator: 1024))
        let wrong = try XCTUnwrap(DiscreteGaussian(varianceNumerator: 9 * 1024 * 103 / 100, denominator: 1024))
        // Drawn from σ² = 9.27, judged as σ² = 9.
        var g = SplitMix64(seed: 7)
        let limit = 60
        let p = Self.probabilities(variance: truth.variance, upTo: limit)
        var counts = [Int](repeating: 0, count: 2 * limit + 1)
        for _ in 0..<draws { counts[max(-limit, min(limit, Int(wrong.sample(using: &g)))) + limit] += 1 }
        var statistic = 0.0, df = 0
        for x in -limit...limit where p[abs(x)] * Double(draws) >= 5 {
            let e = p[abs(x)] * Double(draws)
            statistic += (Double(counts[x + limit]) - e) * (Double(counts[x + limit]) - e) / e
            df += 1
        }
        XCTAssertGreaterThan(statistic, Self.critical(df: df - 1), "a 3% wrong variance went unnoticed")
    }

    /// The big-number path (taken when a product passes 64 bits) and the 64-bit path both accept
    /// with probability exp(−p/q): checked by frequency over 40,000 trials each, for γ below and
    /// above 1, with p and q scaled by 2^70 for the slow path (the same γ, many limbs).
    func testBothPathsAcceptWithProbabilityExpMinusGamma() {
        let scale = Natural(1 << 35) * Natural(1 << 35)
        var g = SplitMix64(seed: 11)
        let trials = 40_000
        for (p, q) in [(UInt64(1), UInt64(3)), (7, 8), (5, 2), (13, 5), (0, 1)] {
            let expected = Elementary.exp(-Double(p) / Double(q))
            var fast = 0, slow = 0
            for _ in 0..<trials {
                if DiscreteGaussian.bernoulliExpMinus(p: p, q: q, using: &g) { fast += 1 }
                if DiscreteGaussian.bernoulliExpMinus(p: Natural(p) * scale, q: Natural(q) * scale, using: &g) { slow += 1 }
            }
            let sd = (expected * (1 - expected) / Double(trials)).squareRoot()
            XCTAssertEqual(Double(fast) / Double(trials), expected, accuracy: 5 * sd + 1e-12, "fast path, γ = \(p)/\(q)")
            XCTAssertEqual(Double(slow) / Double(trials), expected, accuracy: 5 * sd + 1e-12, "slow path, γ = \(p)/\(q)")
        }
        // The acceptance step itself, where it falls back: x·t·d past 2^32 makes p overflow 64 bits.
        let xs: [UInt64] = [1 << 40, 1 << 41]
        for x in xs {
            var rejected = 0
            for _ in 0..<100 where !DiscreteGaussian.acceptance(x: x, t: 4, n: 9 * 1024, d: 1024, using: &g) { rejected += 1 }
            XCTAssertEqual(rejected, 100, "a value 2^40 away from 0 at σ = 3 is accepted with probability exp(−2^70)")
        }
        // Natural arithmetic against UInt64 where it fits.
        g = SplitMix64(seed: 99)
        for _ in 0..<2_000 {
            let a = g.next() >> 34, b = g.next() >> 34
            XCTAssertEqual(Natural(a) * Natural(b), Natural(a * b))
            XCTAssertEqual(Natural(max(a, b)) - Natural(min(a, b)), Natural(max(a, b) - min(a, b)))
            XCTAssertEqual(Natural(a) < Natural(b), a < b)
        }
        let big = Natural(UInt64.max) * Natural(UInt64.max)  // 2^128 − 2^65 + 1
        XCTAssertEqual(big.limbs, [1, 0, 0xFFFF_FFFE, 0xFFFF_FFFF])
        for _ in 0..<200 { XCTAssertTrue(big.uniformBelow(using: &g) < big) }
    }

    func testParametersOutOfRangeAreRefused() {
        XCTAssertNil(DiscreteGaussian(varianceNumerator: 0, denominator: 1))
        XCTAssertNil(DiscreteGaussian(varianceNumerator: 1, denominator: 0))
        XCTAssertNil(DiscreteGaussian(varianceNumerator: 1 << 41, denominator: 1))
        XCTAssertNil(DiscreteGaussian(varianceAtLeast: .nan))
        XCTAssertNil(DiscreteGaussian(varianceAtLeast: -1))
        XCTAssertEqual(DiscreteGaussian(varianceAtLeast: 9)?.t, 4)
        XCTAssertEqual(DiscreteGaussian(varianceNumerator: 1, denominator: 4)?.t, 1)
        // Rounded up, never down.
        let g = DiscreteGaussian(varianceAtLeast: 396.123_4)
        XCTAssertGreaterThanOrEqual(g?.variance ?? 0, 396.123_4)
        XCTAssertLessThan(g?.variance ?? .infinity, 396.123_4 + 1.0 / 1024)
    }
}

