/// Exact sampling of the discrete Gaussian N_Z(0, σ²) from uniform random bits.
///
/// Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020),
/// Algorithms 1 to 3: Bernoulli(exp(−γ)) for a rational γ by the alternating series, the
/// discrete Laplace by a geometric count of Bernoulli(exp(−1)) trials, and the discrete Gaussian by
/// rejection from the discrete Laplace with scale t = ⌊σ⌋ + 1. σ² is a rational number and every
/// step is integer arithmetic on it: there is no floating-point operation between the random
/// bits and the integer returned (Mironov 2012 showed how a floating-point Laplace sampler leaks
/// the value it hides), so the output has exactly the discrete Gaussian's distribution, whatever
/// σ². The generator decides the quality of the bits: `SystemRandomNumberGenerator` (the
/// system's CSPRNG) in every release; a seeded generator only in tests.
///
/// Time: a few dozen random words a draw on average; the number of loop turns depends on the
/// draw (rejection sampling), which is why a release is computed offline by the operator, not in
/// a service whose timing a reader could watch (docs/report.md).
public struct DiscreteGaussian: Sendable, Equatable {
    /// σ² = varianceNumerator / varianceDenominator.
    public let varianceNumerator: UInt64
    public let varianceDenominator: UInt64
    /// t = ⌊σ⌋ + 1, the discrete Laplace scale of the proposal.
    let t: UInt64

    /// The largest σ² accepted: 2^40 (σ up to 2^20 ≈ 10^6); a release needs σ in the hundreds.
    public static let maxVariance: UInt64 = 1 << 40
    /// The denominator `init(varianceAtLeast:)` rounds to: σ² is a multiple of 1/1024.
    public static let standardDenominator: UInt64 = 1024

    /// N_Z(0, num/den). Nil unless 0 < num/den ≤ 2^40 and 0 < den ≤ 2^20.
    public init?(varianceNumerator num: UInt64, denominator den: UInt64) {
        guard den > 0, den <= 1 << 20, num > 0, num / den < DiscreteGaussian.maxVariance else { return nil }
        varianceNumerator = num
        varianceDenominator = den
        // ⌊σ⌋ = the largest m with m² · den ≤ num.
        var lo: UInt64 = 0, hi: UInt64 = 1 << 21
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            let (sq, o1) = mid.multipliedReportingOverflow(by: mid)
            let (scaled, o2) = sq.multipliedReportingOverflow(by: den)
            if !o1 && !o2 && scaled <= num { lo = mid } else { hi = mid - 1 }
        }
        t = lo + 1
    }

    /// The smallest σ² = k/1024 at or above `variance` (rounding up only lowers the privacy cost).
    /// Nil for a variance that is not finite, not positive, or over 2^40.
    public init?(varianceAtLeast variance: Double) {
        guard variance.isFinite, variance > 0, variance < Double(DiscreteGaussian.maxVariance) else { return nil }
        let scaled = (variance * Double(DiscreteGaussian.standardDenominator)).rounded(.up)
        self.init(varianceNumerator: UInt64(scaled), denominator: DiscreteGaussian.standardDenominator)
    }

    /// σ², as a number for accounting and intervals (never for sampling).
    public var variance: Double { Double(varianceNumerator) / Double(varianceDenominator) }
    public var sigma: Double { variance.squareRoot() }

    /// One draw.
    public func sample<G: RandomNumberGenerator>(using g: inout G) -> Int64 {
        let n = varianceNumerator, d = varianceDenominator
        while true {
            let y = DiscreteGaussian.discreteLaplace(scale: t, using: &g)
            let x = y.magnitude
            // Accept with probability exp(−(|y| − σ²/t)² / (2σ²)) = exp(−p/q) with
            // p = (|y|·t·d − n)² and q = 2·n·d·t².
            if DiscreteGaussian.acceptance(x: x, t: t, n: n, d: d, using: &g) { return y }
        }
    }

    /// Bernoulli(exp(−(x·t·d − n)² / (2·n·d·t²))), in 64-bit words when everything fits (the
    /// common case) and in `Natural` otherwise: both exact.
    static func acceptance<G: RandomNumberGenerator>(x: UInt64, t: UInt64, n: UInt64, d: UInt64, using g: inout G) -> Bool {
        let (xt, o1) = x.multipliedReportingOverflow(by: t)
        let (xtd, o2) = xt.multipliedReportingOverflow(by: d)
        let (tt, o3) = t.multipliedReportingOverflow(by: t)
        let (nd, o4) = n.multipliedReportingOverflow(by: d)
        let (ndtt, o5) = nd.multipliedReportingOverflow(by: tt)
        let (q, o6) = ndtt.multipliedReportingOverflow(by: 2)
        if !(o1 || o2 || o3 || o4 || o5 || o6) {
            let diff = xtd >= n ? xtd - n : n - xtd
            let (p, o7) = diff.multipliedReportingOverflow(by: diff)
            if !o7 { return bernoulliExpMinus(p: p, q: q, using: &g) }
        }
        let xtdN = Natural(x) * Natural(t) * Natural(d)
        let nN = Natural(n)
        let diff = xtdN >= nN ? xtdN - nN : nN - xtdN
        let p = diff * diff
        let qN = Natural(2) * nN * Natural(d) * Natural(t) * Natural(t)
        return bernoulliExpMinus(p: p, q: qN, using: &g)
    }

    /// Bernoulli(num/den) for 0 ≤ num ≤ den, den > 0: a uniform integer below den, compared.
    @inline(__always)
    static func bernoulli<G: RandomNumberGenerator>(_ num: UInt64, _ den: UInt64, using g: inout G) -> Bool {
        g.next(upperBound: den) < num
    }

    /// Bernoulli(exp(−p/q)), p ≥ 0, q > 0 (CKS20 Algorithm 1 and its extension to γ > 1).
    static func bernoulliExpMinus<G: RandomNumberGenerator>(p: UInt64, q: UInt64, using g: inout G) -> Bool {
        var p = p
        while p >= q {
            if !bernoulliExpMinusAtMostOne(p: 1, q: 1, using: &g) { return false }
            p -= q
        }
        return bernoulliExpMinusAtMostOne(p: p, q: q, using: &g)
    }

    /// Bernoulli(exp(−γ)) for γ = p/q in [0, 1]: K ← 1; while Bernoulli(γ/K) { K ← K + 1 };
    /// true when K is odd. Bernoulli(γ/K) is Bernoulli(p/q) and Bernoulli(1/K), independent.
    static func bernoulliExpMinusAtMostOne<G: RandomNumberGenerator>(p: UInt64, q: UInt64, using g: inout G) -> Bool {
        var k: UInt64 = 1
        while bernoulli(p, q, using: &g) && bernoulli(1, k, using: &g) { k += 1 }
        return k & 1 == 1
    }

    static func bernoulliExpMinus<G: RandomNumberGenerator>(p: Natural, q: Natural, using g: inout G) -> Bool {
        var p = p
        while p >= q {
            if !bernoulliExpMinusAtMostOne(p: 1, q: 1, using: &g) { return false }
            p = p - q
        }
        var k: UInt64 = 1
        while q.uniformBelow(using: &g) < p && bernoulli(1, k, using: &g) { k += 1 }
        return k & 1 == 1
    }

    /// The discrete Laplace distribution with scale t (P(y) ∝ exp(−|y|/t)), CKS20 Algorithm 2
    /// with s = 1: U uniform below t, kept with probability exp(−U/t); V a geometric count of
    /// Bernoulli(exp(−1)) successes; |y| = U + t·V, and a fair sign (−0 rejected).
    static func discreteLaplace<G: RandomNumberGenerator>(scale t: UInt64, using g: inout G) -> Int64 {
        while true {
            let u = g.next(upperBound: t)
            guard bernoulliExpMinus(p: u, q: t, using: &g) else { continue }
            var v: UInt64 = 0
            // v > 2^32 would take 2^32 successes of probability e^−1 in a row: never, but the
            // arithmetic below stays in range whatever happens.
            while v < 1 << 32 && bernoulliExpMinusAtMostOne(p: 1, q: 1, using: &g) { v += 1 }
            let magnitude = u + t * v  // < 2^21 · 2^32: no overflow
            let negative = g.next() & 1 == 1
            if negative && magnitude == 0 { continue }
            return negative ? -Int64(magnitude) : Int64(magnitude)
        }
    }
}

/// A natural number of any size, little-endian 32-bit limbs: only what the sampler's slow path
/// needs (product, difference, comparison, a uniform draw below it).
struct Natural: Comparable, Sendable {
    var limbs: [UInt32]  // no trailing zero limbs; zero is []

    init(_ value: UInt64) {
        limbs = [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)]
        normalize()
    }

    init(limbs: [UInt32]) {
        self.limbs = limbs
        normalize()
    }

    mutating func normalize() {
        while let last = limbs.last, last == 0 { limbs.removeLast() }
    }

    static func * (a: Natural, b: Natural) -> Natural {
        if a.limbs.isEmpty || b.limbs.isEmpty { return Natural(0) }
        var out = [UInt32](repeating: 0, count: a.limbs.count + b.limbs.count)
        for i in a.limbs.indices {
            var carry: UInt64 = 0
            for j in b.limbs.indices {
                let cur = UInt64(a.limbs[i]) * UInt64(b.limbs[j]) + UInt64(out[i + j]) + carry
                out[i + j] = UInt32(truncatingIfNeeded: cur)
                carry = cur >> 32
            }
            var k = i + b.limbs.count
            while carry != 0 {
                let cur = UInt64(out[k]) + carry
                out[k] = UInt32(truncatingIfNeeded: cur)
                carry = cur >> 32
                k += 1
            }
        }
        return Natural(limbs: out)
    }

    /// a − b for a ≥ b (callers check).
    static func - (a: Natural, b: Natural) -> Natural {
        var out = a.limbs
        var borrow: Int64 = 0
        for i in out.indices {
            var cur = Int64(out[i]) - borrow - (i < b.limbs.count ? Int64(b.limbs[i]) : 0)
            if cur < 0 { cur += 1 << 32; borrow = 1 } else { borrow = 0 }
            out[i] = UInt32(cur)
        }
        return Natural(limbs: out)
    }

    static func < (a: Natural, b: Natural) -> Bool {
        if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count }
        var i = a.limbs.count - 1
        while i >= 0 {
            if a.limbs[i] != b.limbs[i] { return a.limbs[i] < b.limbs[i] }
            i -= 1
        }
        return false
    }

    /// A uniform draw from [0, self), self > 0: as many random bits as self has, redrawn until
    /// below (at most two draws expected).
    func uniformBelow<G: RandomNumberGenerator>(using g: inout G) -> Natural {
        let top = limbs[limbs.count - 1]
        let topBits = 32 - top.leadingZeroBitCount
        let mask: UInt32 = topBits == 32 ? UInt32.max : (UInt32(1) << UInt32(topBits)) - 1
        while true {
            var draw = [UInt32](repeating: 0, count: limbs.count)
            for i in draw.indices { draw[i] = UInt32(truncatingIfNeeded: g.next()) }
            draw[draw.count - 1] &= mask
            let candidate = Natural(limbs: draw)
            if candidate < self { return candidate }
        }
    }
}
