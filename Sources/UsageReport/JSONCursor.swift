import LocalPrivacy
import DifferentialPrivacy
import Primitives
/// A cursor over one line of JSON for the payload grammar: it reads only the tokens the
/// closed payload shape has (objects, arrays, strings, non-negative integers and one decimal
/// number), never a general value, so it has no recursion and no depth to bound.
struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    /// The bytes of the last string read when it had escapes (else the string is a range of
    /// `bytes`).
    var decoded: [UInt8] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var atEnd: Bool { position >= bytes.count }

    /// The next byte after white space (space, tab, CR, LF), without consuming it; nil at the end.
    mutating func peek() -> UInt8? {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0D, 0x0A: position += 1
            default: return bytes[position]
            }
        }
        return nil
    }

    /// Consumes `byte` (after white space) if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    /// Consumes `byte` or fails as `not_json`.
    mutating func expect(_ byte: UInt8) throws(RejectionReason) {
        guard consume(byte) else { throw .notJSON }
    }

    /// The start of the next value, classified, for a field to check its type before reading.
    enum ValueStart { case object, array, string, number, literal, other, end }

    mutating func valueStart() -> ValueStart {
        guard let b = peek() else { return .end }
        switch b {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): return .literal
        default: return .other
        }
    }

    /// A string: its content's bytes, with escapes decoded. The buffer is valid until the next
    /// string is read. Control characters, unknown escapes and lone surrogates are refused.
    mutating func string<R>(_ body: (UnsafeBufferPointer<UInt8>) throws(RejectionReason) -> R) throws(RejectionReason) -> R {
        try expect(UInt8(ascii: "\""))
        let start = position
        var escaped = false
        while true {
            guard position < bytes.count else { throw .notJSON }
            let b = bytes[position]
            if b == UInt8(ascii: "\"") { break }
            if b < 0x20 { throw .badString }
            if b == UInt8(ascii: "\\") {
                escaped = true
                position += 2  // the escape's letter is checked when decoding
                continue
            }
            position += 1
        }
        guard position <= bytes.count else { throw .notJSON }
        let end = position
        position += 1  // the closing quote
        if !escaped {
            return try body(UnsafeBufferPointer(rebasing: bytes[start..<end]))
        }
        try decode(start..<end)
        let result: R
        do {
            result = try decoded.withUnsafeBufferPointer { (buffer) throws(RejectionReason) -> R in try body(buffer) }
        }
        return result
    }

    /// Decodes the escapes of a string's content into `decoded`.
    private mutating func decode(_ range: Range<Int>) throws(RejectionReason) {
        decoded.removeAll(keepingCapacity: true)
        var i = range.lowerBound
        while i < range.upperBound {
            let b = bytes[i]
            guard b == UInt8(ascii: "\\") else {
                decoded.append(b)
                i += 1
                continue
            }
            guard i + 1 < range.upperBound else { throw .badString }
            let letter = bytes[i + 1]
            i += 2
            switch letter {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(letter)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: i, end: range.upperBound)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 6 <= range.upperBound, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw .badString
                    }
                    let low = try hex4(at: i + 2, end: range.upperBound)
                    guard (0xDC00...0xDFFF).contains(low) else { throw .badString }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw .badString
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw .badString }
                decoded.append(contentsOf: UTF8.encode(unicode).map { Array($0) } ?? [])
            default:
                throw .badString
            }
        }
    }

    private func hex4(at i: Int, end: Int) throws(RejectionReason) -> UInt32 {
        guard i + 4 <= end else { throw .badString }
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = bytes[i + k]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw .badString
            }
            value = value << 4 | digit
        }
        return value
    }

    /// The largest integer the payload's counts and uptime may have: 2^53 - 1, the largest
    /// every JSON reader holds exactly.
    static let maxInteger: UInt64 = (1 << 53) - 1

    /// A non-negative integer in JSON's grammar (`0` or no leading zero; no sign, fraction or
    /// exponent), at most `maxInteger`; anything else fails as `failure`.
    mutating func integer(or failure: RejectionReason) throws(RejectionReason) -> UInt64 {
        guard valueStart() == .number else { throw failure }
        var value: UInt64 = 0
        var digits = 0
        while position < bytes.count, case let b = bytes[position], b >= 0x30 && b <= 0x39 {
            if digits == 1 && value == 0 { throw failure }  // a leading zero
            value = value &* 10 &+ UInt64(b - 0x30)
            digits += 1
            if digits > 16 || value > JSONCursor.maxInteger { throw failure }
            position += 1
        }
        guard digits > 0 else { throw failure }  // a minus sign
        if position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "-"), UInt8(ascii: "+"):
                throw failure
            default: break
            }
        }
        return value
    }

    /// A number in JSON's grammar with at most `maxLength` characters, as a `Double`; anything
    /// else fails as `failure`.
    mutating func decimal(maxLength: Int, or failure: RejectionReason) throws(RejectionReason) -> Double {
        guard valueStart() == .number else { throw failure }
        let start = position
        func digits(_ cursor: inout JSONCursor) -> Int {
            var n = 0
            while cursor.position < cursor.bytes.count, cursor.bytes[cursor.position] >= 0x30, cursor.bytes[cursor.position] <= 0x39 {
                cursor.position += 1
                n += 1
            }
            return n
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let intStart = position
        let intDigits = digits(&self)
        guard intDigits > 0, intDigits == 1 || bytes[intStart] != UInt8(ascii: "0") else { throw failure }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw failure }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw failure }
        }
        guard position - start <= maxLength else { throw failure }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw failure }
        return value
    }
}

/// Checks UTF-8 as RFC 3629 defines it (no overlong forms, no surrogates, nothing over
/// U+10FFFF) and finds NUL bytes.
enum UTF8Check {
    enum Outcome { case valid, nul, invalid }

    static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        var i = 0
        let n = bytes.count
        var invalid = false
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b == 0 { return .nul }
                i += 1
                continue
            }
            if invalid { i += 1; continue }  // keep looking for a NUL, which is named first
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: invalid = true; i += 1; continue
            }
            guard i + length <= n else { invalid = true; i += 1; continue }
            let second = bytes[i + 1]
            guard second >= low && second <= high else { invalid = true; i += 1; continue }
            var ok = true
            for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 { ok = false }
            guard ok else { invalid = true; i += 1; continue }
            i += length
        }
        return invalid ? .invalid : .valid
    }
}
