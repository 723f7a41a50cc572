import AnonymousSummary
import Primitives

/// An estimate of a share of instances from LDP reports, with its 95% confidence interval.
public struct LDPEstimate: Sendable, Equatable {
    /// The unbiased estimate: its expectation is the true share. Noise can put it a little
    /// below 0 or above 1.
    public var unbiased: Double
    /// Its standard error, and the 95% interval `unbiased ± 1.96 · standardError`.
    public var standardError: Double

    public init(unbiased: Double, standardError: Double) {
        self.unbiased = unbiased
        self.standardError = standardError
    }
    public var low: Double { unbiased - LDPEstimator.z95 * standardError }
    public var high: Double { unbiased + LDPEstimator.z95 * standardError }
    /// The estimate as a share, clipped to [0, 1] (for reading; `unbiased` for further sums).
    public var share: Double { min(1, max(0, unbiased)) }
    /// The z of the family's simultaneous 95% intervals (`LDPEstimator.simultaneousZ`), set by
    /// the report for the family this estimate belongs to (1.96 for a lone estimate).
    public var familyZ: Double = LDPEstimator.z95
    /// False when the family's simultaneous 95% interval contains 0: the data cannot tell this
    /// share from none. (With 55,000 pairs, per-estimate 95% intervals would leave about 1,400
    /// pairs that no instance uses looking above zero by chance.)
    public var distinguishableFromZero: Bool { unbiased - familyZ * standardError > 0 }
}

/// Unbiased estimates from reported bits, by inverting the per-bit randomization.
///
/// A reported bit r of an instance whose true bit is v has E[w(r)] = v for the weights
/// w(1) = (1 - q) / (p - q) and w(0) = -q / (p - q). So the mean of w(r) over n instances is an
/// unbiased estimate of the share with the bit set, (c/n - q) / (p - q) for c reported ones; and,
/// since two bits are randomized independently, the mean of w(r_a) · w(r_b) is an unbiased
/// estimate of the share with both set (the inverse of the randomization applied to the 2×2
/// table of reported pairs). The standard error comes from the sample variance of those
/// per-instance values (slightly conservative: it also counts how much the true values vary).
public enum LDPEstimator {
    /// The 97.5th percentile of the standard normal distribution.
    public static let z95 = 1.959_963_984_540_054

    static func weights(_ m: OptimizedUnaryEncoding) -> (w0: Double, w1: Double) {
        (-m.q / (m.p - m.q), (1 - m.q) / (m.p - m.q))
    }

    /// The share of instances with a bit set, from `ones` reported ones among `n` reports.
    public static func share(ones: Int, of n: Int, mechanism m: OptimizedUnaryEncoding) -> LDPEstimate {
        let (w0, w1) = weights(m)
        return estimate(values: [(w1, ones), (w0, n - ones)], n: n)
    }

    /// The share with both bits set, from the 2×2 table of reported pairs (`n11` both reported
    /// 1, `n10` only the first, `n01` only the second, `n00` neither).
    public static func pairShare(n11: Int, n10: Int, n01: Int, n00: Int, mechanism m: OptimizedUnaryEncoding) -> LDPEstimate {
        let (w0, w1) = weights(m)
        return estimate(values: [(w1 * w1, n11), (w1 * w0, n10), (w0 * w1, n01), (w0 * w0, n00)], n: n11 + n10 + n01 + n00)
    }

    /// The z for simultaneous 95% two-sided intervals over `count` estimates (Bonferroni):
    /// the z with P(|Z| > z) = 0.05 / count. 1.96 for one, 3.80 for the 342 bits of the
    /// Benthos catalogue and 4.9 for its 55,278 pairs of plugins.
    public static func simultaneousZ(count: Int) -> Double {
        let tail = 0.025 / Double(max(1, count))
        var low = 0.0, high = 40.0
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if upperTail(mid) > tail { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// P(Z > z) for a standard normal Z and z >= 0: the density times Mills' ratio, from its
    /// continued fraction (Lentz's method), with a series below z = 1.5.
    package static func upperTail(_ z: Double) -> Double {
        let density = Elementary.exp(-z * z / 2) * 0.398_942_280_401_432_7
        if z < 1.5 {
            // Φ(z) - 1/2 = density-free series: z φ-weighted sum, z^(2k+1) / (1·3·…·(2k+1)).
            var term = z, sum = z
            for k in 1..<200 {
                term *= z * z / Double(2 * k + 1)
                sum += term
                if term < 1e-17 * sum { break }
            }
            return 0.5 - density * sum
        }
        // Mills' ratio R(z) = 1 / (z + 1/(z + 2/(z + 3/(z + …)))).
        var f = z, c = z, d = 0.0
        for k in 1..<300 {
            let a = Double(k)
            d = z + a * d
            c = z + a / c
            d = 1 / d
            let delta = c * d
            f *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return density / f
    }

    /// The mean of per-instance values (each `value` taken `count` times) and its standard error.
    static func estimate(values: [(value: Double, count: Int)], n: Int) -> LDPEstimate {
        guard n > 0 else { return LDPEstimate(unbiased: 0, standardError: .infinity) }
        var sum = 0.0, squares = 0.0
        for (value, count) in values {
            sum += value * Double(count)
            squares += value * value * Double(count)
        }
        let mean = sum / Double(n)
        guard n > 1 else { return LDPEstimate(unbiased: mean, standardError: .infinity) }
        let variance = max(0, (squares - Double(n) * mean * mean) / Double(n - 1))
        return LDPEstimate(unbiased: mean, standardError: (variance / Double(n)).squareRoot())
    }
}
