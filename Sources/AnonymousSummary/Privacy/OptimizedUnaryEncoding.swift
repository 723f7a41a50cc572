/// ε-local differential privacy for the plugin set: optimized unary encoding (Wang, Blocki, Li
/// and Jha, "Locally Differentially Private Protocols for Frequency Estimation", USENIX
/// Security 2017), memoised as RAPPOR's permanent randomized response is.
///
/// The input is a bit vector over the catalogue (`LDPLayout`): one bit per allow-listed plugin
/// (used or not) and one per kind (some unlisted component of that kind or not). Each bit is
/// reported 1 with probability `p` when it is set and `q` when it is not, independently of
/// every other bit, with
///
///     p = 1/2,   q = 1 / (e^ε + 1),   so   p(1 - q) / (q(1 - p)) = e^ε.
///
/// The guarantee, per bit: for any two true values and any reported value, the probabilities
/// differ at most by the factor `maxLikelihoodRatio` = max(p/q, (1-q)/(1-p)) <= e^ε. Two
/// configs that differ in whether one plugin is used differ in one bit, so every payload's
/// probability differs by at most that factor; configs that differ in m bits, by at most
/// e^(mε). The tests read `p`, `q` and `maxLikelihoodRatio` from here, not from this comment.
///
/// OUE's p = 1/2 minimises the estimator's variance among unary encodings for a given ε (Wang
/// et al., section 4.4); symmetric randomized response on each bit would need each bit to
/// carry ε/2 to give the same guarantee for a swap, and is noisier.
public struct OptimizedUnaryEncoding: Sendable, Equatable {
    /// The mechanism's name in payloads.
    public static let mechanismName = "oue"
    /// The largest ε accepted: beyond it q is under 1 in 20,000 and the "privacy" is nominal.
    public static let maxEpsilon = 10.0
    /// ln 3: a reported bit changes an observer's odds that a plugin is used by at most 3 times.
    public static let defaultEpsilon = 1.098_612_288_668_109_8

    public let epsilon: Double
    /// P(report 1 | the bit is set).
    public let p: Double
    /// P(report 1 | the bit is not set).
    public let q: Double

    /// Nil unless 0 < ε <= `maxEpsilon`.
    public init?(epsilon: Double) {
        guard epsilon.isFinite, epsilon > 0, epsilon <= OptimizedUnaryEncoding.maxEpsilon else { return nil }
        self.epsilon = epsilon
        p = 0.5
        q = 1 / (Elementary.exp(epsilon) + 1)
    }

    /// P(report 1 | value): what the draw compares a uniform number with.
    public func probabilityOfOne(given value: Bool) -> Double { value ? p : q }

    /// The largest factor by which one reported bit's probability can differ between the two
    /// true values: max over outputs of P(output | a) / P(output | b).
    public var maxLikelihoodRatio: Double {
        max(p / q, q / p, (1 - q) / (1 - p), (1 - p) / (1 - q))
    }

    /// One reported bit for a true `value`, given a uniform number in [0, 1).
    @inline(__always)
    public func report(_ value: Bool, uniform: Double) -> Bool { uniform < probabilityOfOne(given: value) }
}

/// A host's persistent secret for memoised draws: at least 128 bits the host keeps in its own
/// data directory (the library never writes files). With it, the draw for each (bit, true
/// value) is SipHash-2-4(secret, bit, value), so one config gives one report across restarts.
public struct LDPSecret: Sendable, Equatable {
    let k0: UInt64
    let k1: UInt64

    /// Nil for fewer than 16 bytes. Longer secrets are compressed to a 128-bit key with
    /// SipHash-2-4 under two fixed public keys.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 16 else { return nil }
        k0 = SipHash24.hash(key: 0x6c64_702d_7365_6372, 0x6574_2d6b_6579_2d30, bytes)  // "ldp-secret-key-0"
        k1 = SipHash24.hash(key: 0x6c64_702d_7365_6372, 0x6574_2d6b_6579_2d31, bytes)  // "ldp-secret-key-1"
    }

    /// The uniform number in [0, 1) for `bit` when its true value is `value`.
    func uniform(bit: Int, value: Bool) -> Double {
        var message: [UInt8] = Array("oue1".utf8)
        for k in 0..<4 { message.append(UInt8(truncatingIfNeeded: UInt32(bit) >> (8 * UInt32(k)))) }
        message.append(value ? 1 : 0)
        return Double(SipHash24.hash(key: k0, k1, message) >> 11) * 0x1p-53
    }
}

extension OptimizedUnaryEncoding {
    /// The reported bits for the true bits `truth`, drawn once: from `secret` when given (the
    /// same bits for the same truth, every time), else from `generator`.
    public func randomize<G: RandomNumberGenerator>(_ truth: [Bool], secret: LDPSecret?, using generator: inout G) -> [Bool] {
        var reported = [Bool](repeating: false, count: truth.count)
        for (bit, value) in truth.enumerated() {
            let u: Double
            if let secret {
                u = secret.uniform(bit: bit, value: value)
            } else {
                u = Double(generator.next() >> 11) * 0x1p-53
            }
            reported[bit] = report(value, uniform: u)
        }
        return reported
    }

    /// The same, with the system's random generator.
    public func randomize(_ truth: [Bool], secret: LDPSecret?) -> [Bool] {
        var generator = SystemRandomNumberGenerator()
        return randomize(truth, secret: secret, using: &generator)
    }
}
