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

        /// A string, by the payload reader's own string rules (`JSONCursor.string`: escapes
        /// decoded, control characters, unknown escapes and lone surrogates refused).
        mutating func string() throws(ParseError) -> String {
            let start = position
            let read = bytes.withUnsafeBufferPointer { buffer -> (String, Int)? in
                var cursor = JSONCursor(buffer)
                cursor.position = start
                guard let text = try? cursor.string({ (content) throws(RejectionReason) in String(decoding: content, as: UTF8.self) }) else { return nil }
                return (text, cursor.position)
            }
            guard let (text, end) = read else { throw fail("a bad string") }
            position = end
            return text
        }
    }
}
