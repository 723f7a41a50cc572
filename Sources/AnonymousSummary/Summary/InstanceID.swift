/// A random instance id: a version-4 UUID, 122 bits from the system's random generator.
///
/// Never derived from the host, the user, the clock or the config (Redpanda Connect's id
/// embeds a timestamp, a machine id and the process id, which ties reports to a machine).
/// Formatted here, without Foundation, as lower-case `8-4-4-4-12` hex.
public struct InstanceID: Sendable, Hashable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    /// A new random id.
    public static func random() -> InstanceID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A new id from `generator` (tests pass a seeded one; hosts should use `random()`).
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> InstanceID {
        InstanceID(versionFourFrom: generator.next(), generator.next())
    }

    /// Sets the version (4) and variant (10xx) bits of 128 random bits.
    package init(versionFourFrom high: UInt64, _ low: UInt64) {
        self.high = (high & ~0xF000) | 0x4000
        self.low = (low & ~(0xC000 << 48)) | (0x8000 << 48)
    }

    /// Reads a version-4 UUID (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`, any case), for
    /// reproducible output (`anonymous-summary summarise --id`). Nil for anything else.
    public init?(parsing text: String) {
        guard let id = Array(text.utf8).withUnsafeBufferPointer({ InstanceID(parsing: $0, lowerCaseOnly: false) }) else { return nil }
        self = id
    }

    /// Reads a version-4 UUID from bytes; with `lowerCaseOnly`, exactly the payload schema's
    /// form (the report's reader refuses upper-case hex). Nil for anything else.
    public init?(parsing bytes: UnsafeBufferPointer<UInt8>, lowerCaseOnly: Bool) {
        guard bytes.count == 36 else { return nil }
        var value: (UInt64, UInt64) = (0, 0)
        var digits = 0
        for (i, c) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == UInt8(ascii: "-") else { return nil }
                continue
            }
            let v: UInt64
            switch c {
            case 0x30...0x39: v = UInt64(c - 0x30)
            case 0x61...0x66: v = UInt64(c - 0x61 + 10)
            case 0x41...0x46 where !lowerCaseOnly: v = UInt64(c - 0x41 + 10)
            default: return nil
            }
            if digits < 16 { value.0 = value.0 << 4 | v } else { value.1 = value.1 << 4 | v }
            digits += 1
        }
        guard (value.0 >> 12) & 0xF == 4, (value.1 >> 62) == 0b10 else { return nil }
        high = value.0
        low = value.1
    }

    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, shift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if i == 8 || i == 12 { out.append(UInt8(ascii: "-")) }
            out.append(JSONText.hex[Int((high >> UInt64(shift)) & 0xF)])
        }
        for (i, shift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if i == 0 || i == 4 { out.append(UInt8(ascii: "-")) }
            out.append(JSONText.hex[Int((low >> UInt64(shift)) & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
