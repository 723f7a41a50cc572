import Primitives

/// Zero-concentrated differential privacy (ρ-zCDP, Bun and Steinke 2016) and its conversion to
/// (ε, δ)-DP, for planning and stating a release. Floating point is fine here: these numbers are
/// public parameters, never a sampled value, and every rounding goes the conservative way (ρ
/// rounded down when it is a budget, ε rounded up when it is a cost).
public enum PrivacyAccounting {
    /// δ for ε of a ρ-zCDP mechanism, by Canonne, Kamath and Steinke 2020, Corollary 13:
    ///   δ = inf over α > 1 of exp((α − 1)(αρ − ε)) / (α − 1) · (1 − 1/α)^α.
    /// Every α gives a valid δ, so a coarse minimisation only errs on the safe side.
    public static func delta(rho: Double, epsilon: Double) -> Double {
        guard rho > 0 else { return 0 }
        func logDelta(_ alpha: Double) -> Double {
            (alpha - 1) * (alpha * rho - epsilon) - Elementary.log(alpha - 1) + alpha * Elementary.log(1 - 1 / alpha)
        }
        // A log-spaced scan of α − 1 over [1e-6, 1e8] (steps of 10^0.05), then golden-section
        // search between the best point's neighbours.
        var bestX = 0.0, best = Double.infinity
        var x = -6.0
        while x <= 8 {
            let value = logDelta(1 + pow10(x))
            if value < best { best = value; bestX = x }
            x += 0.05
        }
        var lo = bestX - 0.05, hi = bestX + 0.05
        let phi = 0.618_033_988_749_894_9
        for _ in 0..<40 {
            let a = hi - phi * (hi - lo), b = lo + phi * (hi - lo)
            if logDelta(1 + pow10(a)) < logDelta(1 + pow10(b)) { hi = b } else { lo = a }
        }
        best = min(best, logDelta(1 + pow10((lo + hi) / 2)))
        return min(1, Elementary.exp(best))
    }

    /// The largest ρ whose release is (ε, δ)-DP by `delta(rho:epsilon:)`, rounded down.
    public static func rho(epsilon: Double, delta target: Double) -> Double {
        guard epsilon > 0, target > 0 else { return 0 }
        var lo = 0.0, hi = epsilon
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if delta(rho: mid, epsilon: epsilon) <= target { lo = mid } else { hi = mid }
        }
        return lo * (1 - 1e-9)
    }

    /// The smallest ε at which ρ-zCDP is (ε, δ)-DP by `delta(rho:epsilon:)`, rounded up.
    public static func epsilon(rho: Double, delta target: Double) -> Double {
        guard rho > 0 else { return 0 }
        var lo = 0.0, hi = rho + 2 * (rho * Elementary.log(1 / target)).squareRoot() + 1
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if delta(rho: rho, epsilon: mid) <= target { hi = mid } else { lo = mid }
        }
        return hi * (1 + 1e-9)
    }

    /// Bun and Steinke 2016, Proposition 1.3: ρ-zCDP is (ρ + 2√(ρ ln(1/δ)), δ)-DP. Looser than
    /// `epsilon(rho:delta:)`; the tests check that the tighter one never claims more.
    public static func epsilonBunSteinke(rho: Double, delta: Double) -> Double {
        rho + 2 * (rho * Elementary.log(1 / delta)).squareRoot()
    }

    static func pow10(_ x: Double) -> Double { Elementary.exp(x * 2.302_585_092_994_045_7) }

    /// The smallest h with P(|Z| ≤ h) ≥ level, for Z ~ N_Z(0, σ²): the half-width of a figure's
    /// interval at that level (integer, since the figures are).
    public static func halfWidth(variance: Double, level: Double) -> Int {
        let (weights, total) = discreteGaussianWeights(variance: variance)
        var inside = weights[0]
        var h = 0
        while inside / total < level && h + 1 < weights.count {
            h += 1
            inside += 2 * weights[h]
        }
        return h
    }

    /// exp(−k²/(2σ²)) for k = 0 … 12σ + 12, and the sum over −K … K.
    static func discreteGaussianWeights(variance: Double) -> ([Double], Double) {
        let limit = Int((12 * variance.squareRoot()).rounded(.up)) + 12
        var weights = [Double](repeating: 0, count: limit + 1)
        var total = 0.0
        for k in 0...limit {
            weights[k] = Elementary.exp(-Double(k * k) / (2 * variance))
            total += k == 0 ? weights[k] : 2 * weights[k]
        }
        return (weights, total)
    }
}

extension Elementary {
    /// The natural logarithm without Foundation: x = m · 2^e with m in [√½, √2), then
    /// ln m = 2 atanh((m − 1)/(m + 1)) by its series. Accurate to about 1e-15 relative.
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x.isInfinite { return x }
        var m = x.significand            // [1, 2)
        var e = Double(x.exponent)
        if m > 1.414_213_562_373_095_1 { m /= 2; e += 1 }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var term = s, sum = s
        var n = 1.0
        while true {
            term *= s2
            n += 2
            let add = term / n
            sum += add
            if abs(add) < 1e-18 * abs(sum) || n > 200 { break }
        }
        return 2 * sum + e * 0.693_147_180_559_945_309_4
    }
}
