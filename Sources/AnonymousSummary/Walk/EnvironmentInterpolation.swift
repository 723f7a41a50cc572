/// Benthos replaces environment interpolations (`${NAME}`, `${NAME:default}`,
/// `${NAME|base64decode}`) in the raw text of a config before it parses the YAML, and some real
/// configs are only valid YAML after that (an interpolation inside a flow sequence, say).
///
/// The summariser does the same, but never reads the environment: each interpolation becomes a
/// fixed placeholder, `x` repeated as many times as the interpolation has characters, so every
/// line and column after it stays where the user sees it in the file. Bloblang's
/// `${! … }` and the escape `${{NAME}}` are left alone.
public enum EnvironmentInterpolation {
    public static let placeholder: UInt8 = UInt8(ascii: "x")

    /// `text` with every interpolation replaced by the placeholder. `text` must be UTF-8.
    public static func neutralise(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var copied = 0  // text[..<copied] is in `out` (once there is anything to replace)
        var i = 0
        while let dollar = nextDollar(text, from: i) {
            guard let end = interpolationEnd(text, at: dollar) else {
                i = dollar + 1
                continue
            }
            if out.isEmpty { out.reserveCapacity(text.count) }
            out.append(contentsOf: text[copied..<dollar])
            var scalars = 0
            for byte in text[dollar..<end] where byte & 0xC0 != 0x80 { scalars += 1 }
            out.append(contentsOf: repeatElement(placeholder, count: scalars))
            copied = end
            i = end
        }
        // Nothing replaced: the text itself, not a copy.
        if copied == 0 { return text }
        out.append(contentsOf: text[copied...])
        return out
    }

    /// The position of the next `$` at or after `from`, eight bytes at a time (a config is
    /// mostly text without one).
    static func nextDollar(_ text: [UInt8], from: Int) -> Int? {
        text.withUnsafeBufferPointer { b -> Int? in
            var i = from
            let n = b.count
            if let base = b.baseAddress {
                let raw = UnsafeRawPointer(base)
                while i + 8 <= n {
                    let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if ByteWord.matches(word, UInt8(ascii: "$")) != 0 { break }
                    i += 8
                }
            }
            while i < n {
                if b[i] == UInt8(ascii: "$") { return i }
                i += 1
            }
            return nil
        }
    }

    /// The end (after `}`) of an interpolation starting at `start` (at `$`), or nil.
    static func interpolationEnd(_ t: [UInt8], at start: Int) -> Int? {
        var i = start + 1
        guard i < t.count, t[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        let nameStart = i
        while i < t.count, isNameByte(t[i]) { i += 1 }
        guard i > nameStart, i < t.count else { return nil }
        switch t[i] {
        case UInt8(ascii: "}"):
            return i + 1
        case UInt8(ascii: ":"), UInt8(ascii: "|"):
            i += 1
            let valueStart = i
            while i < t.count, t[i] != UInt8(ascii: "}") {
                if t[i] == 0x0A || t[i] == 0x0D { return nil }
                i += 1
            }
            guard i < t.count, i > valueStart else { return nil }
            return i + 1
        default:
            return nil
        }
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2E
    }
}
