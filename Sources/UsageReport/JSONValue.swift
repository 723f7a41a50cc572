/// A JSON document read whole, for the counts file and the DAP aggregate (small files of a
/// known shape, checked key by key by their readers): the standard library only, strict
/// (RFC 8259: no trailing commas, no comments, no duplicate keys, valid UTF-8), nesting at
/// most 16 deep.
enum JSONValue: Equatable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    /// A number as written, and its value (whole numbers up to 2^53 are exact).
    case number(Double)
    case bool(Bool)
    case null

    struct ParseError: Error, Equatable {
        var offset: Int
        var what: String
    }

    static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONValue {
        let valid = bytes.withUnsafeBufferPointer { UTF8Check.check($0) }
        guard valid != .invalid else { throw ParseError(offset: 0, what: "not valid UTF-8") }
        var parser = Parser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == bytes.count else { throw ParseError(offset: parser.position, what: "garbage after the value") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        mutating func skipSpace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        func fail(_ what: String) -> ParseError { ParseError(offset: position, what: what) }

        mutating func value(depth: Int) throws(ParseError) -> JSONValue {
            guard depth < 16 else { throw fail("nested more than 16 deep") }
            skipSpace()
            guard position < bytes.count else { throw fail("unexpected end") }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                position += 1
                var object: [String: JSONValue] = [:]
                skipSpace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(object) }
                while true {
                    skipSpace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("a key must be a string") }
                    let key = try string()
                    guard object[key] == nil else { throw fail("duplicate key '\(key)'") }
                    skipSpace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("':' expected") }
                    position += 1
                    object[key] = try value(depth: depth + 1)
                    skipSpace()
                    guard position < bytes.count else { throw fail("unexpected end") }
                    if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                    guard bytes[position] == UInt8(ascii: "}") else { throw fail("',' or '}' expected") }
                    position += 1
                    return .object(object)
                }
            case UInt8(ascii: "["):
                position += 1
                var array: [JSONValue] = []
                skipSpace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(array) }
                while true {
                    array.append(try value(depth: depth + 1))
                    skipSpace()
                    guard position < bytes.count else { throw fail("unexpected end") }
                    if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                    guard bytes[position] == UInt8(ascii: "]") else { throw fail("',' or ']' expected") }
                    position += 1
                    return .array(array)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try number())
            default:
                for (word, value) in [("true", JSONValue.bool(true)), ("false", .bool(false)), ("null", .null)] {
                    if bytes[position...].starts(with: word.utf8) { position += word.utf8.count; return value }
                }
                throw fail("not a JSON value")
            }
        }

        /// RFC 8259's number grammar; its value by the standard library's correctly rounded parse.
        mutating func number() throws(ParseError) -> Double {
            let start = position
            func digits() -> Int {
                let from = position
                while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
                return position - from
            }
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            let first = position
            guard digits() > 0 else { throw fail("a number needs digits") }
            guard bytes[first] != UInt8(ascii: "0") || position - first == 1 else { throw fail("a number with a leading zero") }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw fail("a fraction needs digits") }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw fail("an exponent needs digits") }
            }
            guard let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)) else { throw fail("not a number") }
            return value
        }

        mutating func string() throws(ParseError) -> String {
            position += 1
            var out: [UInt8] = []
            while true {
                guard position < bytes.count else { throw fail("unterminated string") }
                let b = bytes[position]
                position += 1
                switch b {
                case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
                case 0..<0x20: throw fail("a control character in a string")
                case UInt8(ascii: "\\"):
                    guard position < bytes.count else { throw fail("unterminated string") }
                    let e = bytes[position]
                    position += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar) {
                            guard bytes[position...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else { throw fail("a lone surrogate") }
                            position += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw fail("a lone surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let s = Unicode.Scalar(scalar) else { throw fail("a lone surrogate") }
                        out.append(contentsOf: Array(String(Character(s)).utf8))
                    default: throw fail("an unknown escape")
                    }
                default: out.append(b)
                }
            }
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            guard position + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) else {
                throw fail("\\u needs four hex digits")
            }
            position += 4
            return v
        }
    }
}
