import AnonymousSummary
import Primitives

/// Why a secret file was refused, in words a host can show its users (`description`).
public struct LDPSecretError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// Something other than hex digits and white space.
        case notHex
        /// Hex digits, but not 64 of them (this many).
        case length(Int)
        /// 64 hex digits of a shape a random secret has with negligible probability.
        case guessable(GuessableShape)
    }

    public let reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        let wanted = "a secret file holds 64 hex digits (256 random bits), as `anonymous-summary secret` writes"
        switch reason {
        case .notHex:
            return "\(wanted); this one holds other characters"
        case .length(let count):
            return "\(wanted); this one holds \(count)"
        case .guessable(let shape):
            return "this secret could be guessed: it is \(shape). Whoever guesses a secret confirms the guess from one payload "
                + "(the instance id is a keyed hash of it) and undoes the randomization; write a random one with `anonymous-summary secret`"
        }
    }
}

/// The shapes of 64 hex digits that `anonymous-summary secret` does not write: what a person
/// types, or a tool without randomness pads or counts. Each has a small probability for 32
/// uniformly random bytes (each digit uniform on 16 values, independently), and a secret is
/// refused when it has any of them, so a random secret is refused with probability at most
/// their sum, under 1.1 · 10⁻¹³ (2⁻⁴³); the bound of each is beside it (a union bound where it
/// says ≤; computed exactly with rational arithmetic). `anonymous-summary secret` draws again in
/// that case, so everything it writes is taken.
public enum GuessableShape: Sendable, Equatable, CustomStringConvertible {
    /// The digits repeat with a period of at most 32 digits (one digit, one byte, a word, half the
    /// secret twice): ≤ Σ_{p=1}^{32} 16^-(64-p) < 2⁻¹²⁷.
    case repeated(period: Int)
    /// 16 or more equal digits in a row (padding): ≤ 49 · 16⁻¹⁵ ≈ 4.3 · 10⁻¹⁷ (2⁻⁵⁴).
    case run(length: Int)
    /// One digit makes up 28 or more of the 64: ≤ 16 · P(Binomial(64, 1/16) ≥ 28) ≈ 3.7 · 10⁻¹⁶ (2⁻⁵¹).
    case mostlyOneDigit(count: Int)
    /// Fewer than 12 different values among the 32 bytes: ≤ C(256, 11) · (11/256)³² ≈ 1.1 · 10⁻²⁵ (2⁻⁸²).
    case fewBytes(Int)
    /// Fewer than 12 different steps b[i+1] − b[i] (mod 256) among the 31 (a counter, a regular
    /// sequence); the steps of random bytes are 31 independent uniform bytes:
    /// ≤ C(256, 11) · (11/256)³¹ ≈ 2.6 · 10⁻²⁴ (2⁻⁷⁸).
    case progression(steps: Int)
    /// Decimal digits only (a number, a date): (10/16)⁶⁴ ≈ 8.6 · 10⁻¹⁴ (2⁻⁴³·⁴).
    case decimal
    /// Every byte a printable ASCII character (text written as hex): (95/256)³² ≈ 1.7 · 10⁻¹⁴ (2⁻⁴⁵·⁸).
    case text

    /// The first shape `digits` (64 values 0…15) has, or nil.
    public static func first(in digits: [UInt8]) -> GuessableShape? {
        precondition(digits.count == 64, "64 hex digits")
        for period in 1...32 where (0..<(64 - period)).allSatisfy({ digits[$0] == digits[$0 + period] }) {
            return .repeated(period: period)
        }
        var longest = 1, current = 1
        for i in 1..<64 {
            current = digits[i] == digits[i - 1] ? current + 1 : 1
            longest = max(longest, current)
        }
        if longest >= 16 { return .run(length: longest) }
        var counts = [Int](repeating: 0, count: 16)
        for d in digits { counts[Int(d)] += 1 }
        if let most = counts.max(), most >= 28 { return .mostlyOneDigit(count: most) }
        let bytes = (0..<32).map { digits[2 * $0] << 4 | digits[2 * $0 + 1] }
        let values = Set(bytes).count
        if values < 12 { return .fewBytes(values) }
        let steps = Set((1..<32).map { bytes[$0] &- bytes[$0 - 1] }).count
        if steps < 12 { return .progression(steps: steps) }
        if digits.allSatisfy({ $0 < 10 }) { return .decimal }
        if bytes.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) { return .text }
        return nil
    }

    public var description: String {
        switch self {
        case .repeated(1): return "one hex digit repeated"
        case .repeated(2): return "one byte repeated"
        case .repeated(let period): return "a pattern of \(period) hex digits repeated"
        case .run(let length): return "padded: \(length) equal hex digits in a row"
        case .mostlyOneDigit(let count): return "mostly one hex digit (\(count) of its 64)"
        case .fewBytes(let values): return "made of only \(values) different byte values"
        case .progression(let steps): return "a counter or another regular sequence (only \(steps) different steps from one byte to the next)"
        case .decimal: return "decimal digits only (a number or a date, not random hex)"
        case .text: return "text written as hex (every byte a printable character)"
        }
    }
}
