import AnonymousSummary
import Primitives

/// ε-local differential privacy for the plugin set: optimized unary encoding (Wang, Blocki, Li
/// and Jha, "Locally Differentially Private Protocols for Frequency Estimation", USENIX
/// Security 2017), memoised as RAPPOR's permanent randomized response is.
///
/// The input is a bit vector over the catalogue (`PluginLayout`): one bit per allow-listed plugin
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

/// A host's persistent secret for memoised draws: 256 random bits the host keeps in its own data
/// directory (the library never writes files), one per deployment (generated on first start,
/// not baked into an image that many hosts share). With it, the draw for each plugin's bit is
/// HMAC-SHA256(HKDF-SHA256(secret), ε, the plugin's name, its true value), so one config gives one
/// report across restarts, and one deployment one instance id (`instanceID`).
public struct LDPSecret: Sendable, Equatable {
    /// The derived key: HKDF-SHA256 of the secret (RFC 5869), never the secret itself.
    let key: [UInt8]
    /// HMAC-SHA256 under `key`, made ready once.
    let prf: HMACSHA256.Keyed

    public static func == (a: LDPSecret, b: LDPSecret) -> Bool { a.key == b.key }

    /// The secret file as `anonymous-summary secret` writes it: 64 hex digits (256 bits), any
    /// case, white space around them ignored. This is the one way to read a secret file, for the
    /// library and the tool alike: a host passes the file's bytes as they are
    /// (`try LDPSecret(secretFile: Array(data))`), and the same file gives the same key, so the
    /// same draw, whoever reads it.
    ///
    /// A secret that could be guessed is refused: with a secret the instance id is a keyed hash
    /// of it, so whoever guesses the secret confirms the guess from one payload and then undoes
    /// the randomization of every payload of the deployment. Refused, besides anything but 64 hex
    /// digits, are the shapes a person or a tool without randomness writes (`LDPSecretError`
    /// says which, in words). A random secret is refused with probability under 1.1 · 10⁻¹³
    /// (2⁻⁴³): the sum of each shape's probability for 32 uniformly random bytes, worked out in
    /// `GuessableShape`. A hash of a guessable phrase passes: no check sees that.
    public init(secretFile contents: [UInt8]) throws(LDPSecretError) {
        let digits = contents.filter { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
        var nibbles: [UInt8] = []
        nibbles.reserveCapacity(digits.count)
        for c in digits {
            guard let n = LDPSecret.nibble(c) else { throw LDPSecretError(.notHex) }
            nibbles.append(n)
        }
        guard nibbles.count == 64 else { throw LDPSecretError(.length(nibbles.count)) }
        if let shape = GuessableShape.first(in: nibbles) { throw LDPSecretError(.guessable(shape)) }
        let bytes = (0..<32).map { nibbles[2 * $0] << 4 | nibbles[2 * $0 + 1] }
        // 32 bytes: never under the 16 `init(key:)` needs.
        self.init(checkedKey: bytes)
    }

    /// The same, from text.
    public init(hex text: String) throws(LDPSecretError) { try self.init(secretFile: Array(text.utf8)) }

    /// Raw key material a host holds in memory (at least 16 bytes; 32 random bytes is right).
    /// A file goes through `init(secretFile:)`, never here.
    public init?(key material: [UInt8]) {
        guard material.count >= 16 else { return nil }
        self.init(checkedKey: material)
    }

    private init(checkedKey material: [UInt8]) {
        key = HKDFSHA256.derive(salt: Array("anonymous-summary ldp secret v3".utf8), ikm: material,
                                info: Array("oue draws".utf8), length: 32) ?? []
        prf = HMACSHA256.Keyed(key: key)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }

    /// The uniform number in [0, 1) for the bit named `label` (`input/kafka`, `unlisted/input`)
    /// when its true value is `value`, at this ε. Keyed by name, not position, so a catalogue
    /// that gains plugins does not hand one plugin's draw to another; keyed by ε, so a host that
    /// changes ε draws afresh instead of revealing a bit by comparing thresholds on one number.
    func uniform(label: String, epsilon: Double, value: Bool) -> Double {
        var message: [UInt8] = Array("oue3".utf8)
        for k in 0..<8 { message.append(UInt8(truncatingIfNeeded: epsilon.bitPattern >> (8 * UInt64(k)))) }
        message.append(value ? 1 : 0)
        message.append(contentsOf: label.utf8)
        let mac = prf.mac(message)
        var word: UInt64 = 0
        for byte in mac.prefix(8) { word = word << 8 | UInt64(byte) }
        return Double(word >> 11) * 0x1p-53
    }

    /// This deployment's instance id in LDP mode with a secret: a version-4 UUID derived from
    /// the secret, the same at every restart. The reported bits already link restarts (they
    /// repeat), so the id adds nothing an observer did not have; it lets the report count a
    /// deployment once, which its confidence intervals assume (restarts with new ids but the
    /// same bits would be counted as independent instances and make intervals too narrow).
    public var instanceID: InstanceID {
        let mac = prf.mac(Array("instance-id".utf8))
        var hi: UInt64 = 0, lo: UInt64 = 0
        for byte in mac[0..<8] { hi = hi << 8 | UInt64(byte) }
        for byte in mac[8..<16] { lo = lo << 8 | UInt64(byte) }
        return InstanceID(versionFourFrom: hi, lo)
    }
}

extension OptimizedUnaryEncoding {
    /// The reported bits for the true bits `truth` (one per bit of `layout`), drawn once: from
    /// `secret` when given (the same bits for the same truth and ε, every time), else from
    /// `generator`.
    public func randomize<G: RandomNumberGenerator>(_ truth: [Bool], layout: PluginLayout, secret: LDPSecret?,
                                                   using generator: inout G) -> [Bool] {
        var reported = [Bool](repeating: false, count: truth.count)
        for (bit, value) in truth.enumerated() {
            let u: Double
            if let secret {
                u = secret.uniform(label: layout.label(ofBit: bit), epsilon: epsilon, value: value)
            } else {
                u = Double(generator.next() >> 11) * 0x1p-53
            }
            reported[bit] = report(value, uniform: u)
        }
        return reported
    }

    /// The same, with the system's random generator.
    public func randomize(_ truth: [Bool], layout: PluginLayout, secret: LDPSecret?) -> [Bool] {
        var generator = SystemRandomNumberGenerator()
        return randomize(truth, layout: layout, secret: secret, using: &generator)
    }
}
