import AnonymousSummary
import LocalPrivacy
import UsageReport
import SummaryChecks
import TestSupport
/// Strict readers for what the report prints: JSON (RFC 8259), CSV (RFC 4180) and XML (the
/// well-formedness rules of XML 1.0 for the subset an SVG needs). Test-only, and never more
/// lenient than the format: a reader that accepted what a consumer refuses would let a broken
/// report pass. (Foundation's JSONSerialization, for one, accepts `[1,]`, `{"a":1,}` and a key
/// twice on Linux; these readers refuse all three.)
enum Strict {
    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "at byte \(offset): \(reason)" }
    }
}

// MARK: JSON

/// A JSON value as read by `StrictJSON`: numbers keep their text (checked against RFC 8259's
/// grammar, and finite as a Double).
indirect enum StrictJSONValue: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([StrictJSONValue])
    case object([(String, StrictJSONValue)])

    static func == (a: StrictJSONValue, b: StrictJSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    subscript(key: String) -> StrictJSONValue? {
        if case .object(let pairs) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }

    var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var array: [StrictJSONValue]? { if case .array(let a) = self { return a } else { return nil } }

    /// Every value in the tree, depth first, with its path.
    func walk(_ path: String = "$", _ visit: (String, StrictJSONValue) -> Void) {
        visit(path, self)
        switch self {
        case .array(let items): for (i, v) in items.enumerated() { v.walk("\(path)[\(i)]", visit) }
        case .object(let pairs): for (k, v) in pairs { v.walk("\(path).\(k)", visit) }
        default: break
        }
    }
}

enum StrictJSON {
    /// One JSON text, nothing after it but white space. Refuses NaN, Infinity, leading zeros,
    /// `+1`, `1.`, `.5`, numbers that overflow a Double, trailing commas, a key twice in an
    /// object, unescaped control characters, unknown escapes, lone surrogates, and nesting past
    /// 256 levels.
    static func parse(_ text: String) throws -> StrictJSONValue {
        var reader = Reader(bytes: Array(text.utf8))
        reader.space()
        let value = try reader.value(depth: 0)
        reader.space()
        guard reader.i == reader.bytes.count else { throw reader.fail("text after the value") }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var i = 0

        func fail(_ reason: String) -> Strict.Failure { Strict.Failure(offset: i, reason: reason) }

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func space() {
            while let b = peek, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { throw fail("expected \(word)") }
            i += w.count
        }

        mutating func value(depth: Int) throws -> StrictJSONValue {
            guard depth < 256 else { throw fail("nesting too deep") }
            guard let b = peek else { throw fail("end of text where a value belongs") }
            switch b {
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["):
                i += 1
                space()
                var items: [StrictJSONValue] = []
                if peek == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    space()
                    items.append(try value(depth: depth + 1))
                    space()
                    if peek == UInt8(ascii: ",") { i += 1; continue }
                    if peek == UInt8(ascii: "]") { i += 1; return .array(items) }
                    throw fail("expected , or ]")
                }
            case UInt8(ascii: "{"):
                i += 1
                space()
                var pairs: [(String, StrictJSONValue)] = []
                var keys = Set<String>()
                if peek == UInt8(ascii: "}") { i += 1; return .object(pairs) }
                while true {
                    space()
                    guard peek == UInt8(ascii: "\"") else { throw fail("expected a key") }
                    let key = try string()
                    guard keys.insert(key).inserted else { throw fail("key \(key) twice") }
                    space()
                    try literal(":")
                    space()
                    pairs.append((key, try value(depth: depth + 1)))
                    space()
                    if peek == UInt8(ascii: ",") { i += 1; continue }
                    if peek == UInt8(ascii: "}") { i += 1; return .object(pairs) }
                    throw fail("expected , or }")
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try number())
            default:
                throw fail("not a JSON value")
            }
        }

        /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, finite as a Double.
        mutating func number() throws -> Double {
            let start = i
            func digits() -> Int {
                let s = i
                while let b = peek, b >= 0x30 && b <= 0x39 { i += 1 }
                return i - s
            }
            if peek == UInt8(ascii: "-") { i += 1 }
            if peek == UInt8(ascii: "0") {
                i += 1
            } else if digits() == 0 {
                throw fail("a number needs a digit")
            }
            if peek == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { throw fail("a fraction needs a digit") }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                i += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw fail("an exponent needs a digit") }
            }
            if let b = peek, b >= 0x30 && b <= 0x39 || b == UInt8(ascii: ".") { throw fail("leading zero or stray digit") }
            guard let value = Double(String(decoding: bytes[start..<i], as: UTF8.self)), value.isFinite else {
                throw fail("a number that is not finite as a double")
            }
            return value
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count else { throw fail("short \\u escape") }
            var v: UInt32 = 0
            for b in bytes[i..<i + 4] {
                v <<= 4
                switch b {
                case 0x30...0x39: v |= UInt32(b - 0x30)
                case 0x41...0x46: v |= UInt32(b - 0x41 + 10)
                case 0x61...0x66: v |= UInt32(b - 0x61 + 10)
                default: throw fail("bad hex digit")
                }
            }
            i += 4
            return v
        }

        mutating func string() throws -> String {
            i += 1  // the quote
            var out: [UInt8] = []
            while let b = peek {
                i += 1
                switch b {
                case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
                case 0x00..<0x20: throw fail("unescaped control character")
                case UInt8(ascii: "\\"):
                    guard let e = peek else { throw fail("unterminated escape") }
                    i += 1
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
                            try literal("\\u")
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw fail("lone high surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00..<0xE000).contains(scalar) {
                            throw fail("lone low surrogate")
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw fail("not a scalar") }
                        out += Array(String(Character(u)).utf8)
                    default: throw fail("unknown escape")
                    }
                default: out.append(b)
                }
            }
            throw fail("unterminated string")
        }
    }
}

// MARK: CSV

enum StrictCSV {
    /// RFC 4180 records, each ended by a line break (LF, as the report writes them, or CRLF):
    /// a field is quoted (`""` for a quote inside) or holds no quote, comma or line break; no
    /// empty line; every record has as many fields as the first (the header); no record is a
    /// comment (a first field starting with `#`, which some readers skip and others read as
    /// data).
    static func parse(_ text: String) throws -> [[String]] {
        let bytes = Array(text.utf8)
        var records: [[String]] = []
        var i = 0
        func fail(_ reason: String) -> Strict.Failure { Strict.Failure(offset: i, reason: reason) }
        guard !bytes.isEmpty else { throw fail("empty") }
        while i < bytes.count {
            var fields: [String] = []
            let recordStart = i
            while true {
                var field: [UInt8] = []
                if bytes[i] == UInt8(ascii: "\"") {
                    i += 1
                    while true {
                        guard i < bytes.count else { throw fail("unterminated quoted field") }
                        if bytes[i] == UInt8(ascii: "\"") {
                            if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") { field.append(0x22); i += 2; continue }
                            i += 1
                            break
                        }
                        field.append(bytes[i])
                        i += 1
                    }
                } else {
                    while i < bytes.count, bytes[i] != UInt8(ascii: ","), bytes[i] != 0x0A, bytes[i] != 0x0D {
                        guard bytes[i] != UInt8(ascii: "\"") else { throw fail("a quote in an unquoted field") }
                        field.append(bytes[i])
                        i += 1
                    }
                }
                fields.append(String(decoding: field, as: UTF8.self))
                guard i < bytes.count else { throw fail("the last record has no line break") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == 0x0D {
                    guard i + 1 < bytes.count, bytes[i + 1] == 0x0A else { throw fail("a CR without LF") }
                    i += 2
                    break
                }
                if bytes[i] == 0x0A { i += 1; break }
                throw fail("text after a quoted field")
            }
            if fields == [""] { throw Strict.Failure(offset: recordStart, reason: "an empty line") }
            if fields[0].hasPrefix("#") { throw Strict.Failure(offset: recordStart, reason: "a comment line") }
            if let first = records.first, first.count != fields.count {
                throw Strict.Failure(offset: recordStart, reason: "\(fields.count) fields where the header has \(first.count)")
            }
            records.append(fields)
        }
        return records
    }
}

// MARK: XML

/// An element as read by `StrictXML`: its name, attributes in order, text content (entities
/// decoded) and children.
final class XMLElement {
    let name: String
    let attributes: [(String, String)]
    var children: [XMLElement] = []
    var text = ""

    init(name: String, attributes: [(String, String)]) {
        self.name = name
        self.attributes = attributes
    }

    subscript(attribute: String) -> String? { attributes.first { $0.0 == attribute }?.1 }

    /// This element and every element under it, in document order.
    var all: [XMLElement] { [self] + children.flatMap(\.all) }

    /// The text of this element and its descendants.
    var allText: String { text + children.map(\.allText).joined() }
}

enum StrictXML {
    /// A well-formed document: comments and white space around exactly one root element; no
    /// DOCTYPE, processing instruction or CDATA (the report writes none, so any is refused);
    /// names of letters, digits, `-`, `_`, `.`, `:`; every attribute quoted, once per element,
    /// with no `<` in its value; `&` only as `&amp; &lt; &gt; &quot; &apos;` or a character
    /// reference; tags properly nested and closed; comments without `--` inside.
    static func parse(_ text: String) throws -> XMLElement {
        var reader = Reader(bytes: Array(text.utf8))
        reader.misc()
        guard reader.peek == UInt8(ascii: "<") else { throw reader.fail("no root element") }
        let root = try reader.element(depth: 0)
        reader.misc()
        guard reader.i == reader.bytes.count else { throw reader.fail("text after the root element") }
        return root
    }

    private struct Reader {
        let bytes: [UInt8]
        var i = 0

        func fail(_ reason: String) -> Strict.Failure { Strict.Failure(offset: i, reason: reason) }
        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        func starts(_ s: String) -> Bool {
            let w = Array(s.utf8)
            return i + w.count <= bytes.count && Array(bytes[i..<i + w.count]) == w
        }

        mutating func space() {
            while let b = peek, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 }
        }

        /// White space and comments (outside the root element).
        mutating func misc() {
            while true {
                space()
                guard starts("<!--") else { return }
                guard (try? comment()) != nil else { return }
            }
        }

        mutating func comment() throws {
            i += 4
            while i < bytes.count {
                if starts("--") {
                    guard starts("-->") else { throw fail("-- inside a comment") }
                    i += 3
                    return
                }
                i += 1
            }
            throw fail("unterminated comment")
        }

        static func isNameByte(_ b: UInt8, first: Bool) -> Bool {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: ":"): true
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."): !first
            default: false
            }
        }

        mutating func name() throws -> String {
            let start = i
            guard let b = peek, Self.isNameByte(b, first: true) else { throw fail("expected a name") }
            i += 1
            while let b = peek, Self.isNameByte(b, first: false) { i += 1 }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        /// Character data up to `stop` (a byte), with references decoded; `<` refused in it.
        mutating func characters(until stop: UInt8) throws -> String {
            var out: [UInt8] = []
            while let b = peek, b != stop {
                if b == UInt8(ascii: "<") { throw fail("< in character data") }
                if b == UInt8(ascii: "&") {
                    guard let end = bytes[i...].firstIndex(of: UInt8(ascii: ";")), end - i <= 10 else { throw fail("bare &") }
                    let ref = String(decoding: bytes[(i + 1)..<end], as: UTF8.self)
                    let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
                    if let s = named[ref] {
                        out += Array(s.utf8)
                    } else if ref.hasPrefix("#x"), let v = UInt32(ref.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) {
                        out += Array(String(Character(u)).utf8)
                    } else if ref.hasPrefix("#"), let v = UInt32(ref.dropFirst()), let u = Unicode.Scalar(v) {
                        out += Array(String(Character(u)).utf8)
                    } else {
                        throw fail("unknown reference &\(ref);")
                    }
                    i = end + 1
                    continue
                }
                if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { throw fail("control character") }
                out.append(b)
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }

        mutating func element(depth: Int) throws -> XMLElement {
            guard depth < 256 else { throw fail("nesting too deep") }
            i += 1  // <
            let tag = try name()
            var attributes: [(String, String)] = []
            while true {
                let before = i
                space()
                if starts("/>") { i += 2; return XMLElement(name: tag, attributes: attributes) }
                if peek == UInt8(ascii: ">") { i += 1; break }
                guard i > before else { throw fail("attributes need white space between them") }
                let key = try name()
                guard !attributes.contains(where: { $0.0 == key }) else { throw fail("attribute \(key) twice") }
                space()
                guard peek == UInt8(ascii: "=") else { throw fail("expected =") }
                i += 1
                space()
                guard let quote = peek, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw fail("unquoted attribute") }
                i += 1
                let value = try characters(until: quote)
                guard peek == quote else { throw fail("unterminated attribute") }
                i += 1
                attributes.append((key, value))
            }
            let element = XMLElement(name: tag, attributes: attributes)
            while true {
                element.text += try characters(until: UInt8(ascii: "<"))
                guard peek != nil else { throw fail("<\(tag)> not closed") }
                if starts("</") {
                    i += 2
                    let closing = try name()
                    guard closing == tag else { throw fail("</\(closing)> closes <\(tag)>") }
                    space()
                    guard peek == UInt8(ascii: ">") else { throw fail("expected >") }
                    i += 1
                    return element
                }
                if starts("<!--") { try comment(); continue }
                if starts("<!") || starts("<?") { throw fail("DOCTYPE, CDATA or processing instruction") }
                element.children.append(try self.element(depth: depth + 1))
            }
        }
    }
}
