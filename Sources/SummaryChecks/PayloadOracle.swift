import AnonymousSummary
import UsageReport

/// An independent judge of collected lines, for the fuzz invariant "the report's reader accepts
/// a line exactly when it is a payload of the published shape": a general JSON parser (depth
/// bounded) that keeps duplicate keys and number spellings, then the shape checked on the
/// parsed value with the catalogue's `String` look-up. It shares no code with `PayloadReader`.
public enum PayloadOracle {
    enum Value {
        case object([(String, Value)])
        case array([Value])
        case string(String)
        /// The number's text as written.
        case number(String)
        case literal
    }

    /// The content of a line the oracle accepts, for comparing with the reader's.
    public struct Content: Equatable, CustomStringConvertible {
        public var id: String
        public var uptime: UInt64
        public var components: [PluginName]
        public var unlisted: [String: UInt64]
        public var malformed: [String: UInt64]
        /// For an LDP payload: ε and the bits as written.
        public var epsilon: Double?
        public var bits: String?
        public var description: String { "\(id) \(uptime) \(components) \(unlisted) \(malformed) \(epsilon.map { "ε \($0)" } ?? "") \(bits ?? "")" }
    }

    /// The content if `line` is a payload of the published shape, else nil.
    /// `layout`: the catalogue's LDP layout, when the caller has it made already.
    public static func judge(_ line: [UInt8], catalog: ComponentCatalog = .benthos, layout: PluginLayout? = nil) -> Content? {
        guard line.count <= PayloadReader.maxLineLength, !line.contains(0) else { return nil }
        // Strict UTF-8: the standard library's decoder replaces what is invalid. (Past this,
        // the parser reads bytes: JSON's structure is ASCII, and a string's other bytes are
        // whole UTF-8 sequences, copied as they are.)
        let decoded = String(decoding: line, as: UTF8.self)
        let same = decoded.utf8.withContiguousStorageIfAvailable { text in line.withUnsafeBufferPointer { text.elementsEqual($0) } }
        guard same ?? decoded.utf8.elementsEqual(line) else { return nil }
        var parser = Parser(bytes: line)
        guard let value = parser.document() else { return nil }
        return shape(value, catalog: catalog, layout: layout)
    }

    static func idPattern(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            switch i {
            case 8, 13, 18, 23: if c != UInt8(ascii: "-") { return false }
            case 14: if c != UInt8(ascii: "4") { return false }
            case 19: if !"89ab".utf8.contains(c) { return false }
            default: if !"0123456789abcdef".utf8.contains(c) { return false }
            }
        }
        return true
    }

    /// An integer written as one (no sign, fraction, exponent or leading zero), up to 2^53 - 1.
    static func integer(_ v: Value) -> UInt64? {
        guard case .number(let text) = v, !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              text == "0" || !text.hasPrefix("0"), text.count <= 16, let n = UInt64(text), n < (1 << 53) else { return nil }
        return n
    }

    static func ldpShape(_ fields: [(String, Value)], catalog: ComponentCatalog, layout: PluginLayout?) -> Content? {
        guard hasKeys(fields, exactly: ["id", "uptime", "mechanism", "epsilon", "catalog", "bits"], required: 6) else { return nil }
        let layout = layout ?? catalog.pluginLayout
        var content = Content(id: "", uptime: 0, components: [], unlisted: [:], malformed: [:])
        for (key, v) in fields {
            switch (key, v) {
            case ("id", .string(let s)) where idPattern(s): content.id = s
            case ("uptime", _):
                guard let n = integer(v) else { return nil }
                content.uptime = n
            case ("mechanism", .string("oue")): break
            case ("epsilon", .number(let text)):
                guard text.count <= 32, let e = Double(text), e > 0, e <= 10 else { return nil }
                content.epsilon = e
            case ("catalog", .string(let s)) where s == layout.fingerprint: break
            case ("bits", .string(let s)):
                let digits = Array(s.utf8)
                guard digits.count == (layout.width + 3) / 4,
                      digits.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
                      let last = digits.last, let value = Int(String(UnicodeScalar(last)), radix: 16),
                      value & ((1 << (digits.count * 4 - layout.width)) - 1) == 0 else { return nil }
                content.bits = s
            default: return nil
            }
        }
        return content
    }

    /// True if every key of `fields` is one of `allowed`, none twice, and the first `required`
    /// of `allowed` are all there.
    static func hasKeys(_ fields: [(String, Value)], exactly allowed: [String], required: Int) -> Bool {
        var seen = [Bool](repeating: false, count: allowed.count)
        for (key, _) in fields {
            guard let k = allowed.firstIndex(of: key), !seen[k] else { return false }
            seen[k] = true
        }
        return seen.prefix(required).allSatisfy { $0 }
    }

    static func shape(_ value: Value, catalog: ComponentCatalog, layout: PluginLayout?) -> Content? {
        guard case .object(let fields) = value else { return nil }
        if fields.contains(where: { $0.0 == "mechanism" || $0.0 == "bits" || $0.0 == "epsilon" || $0.0 == "catalog" }) {
            return ldpShape(fields, catalog: catalog, layout: layout)
        }
        guard hasKeys(fields, exactly: ["id", "uptime", "components", "unlisted", "malformed"], required: 3) else { return nil }
        var content = Content(id: "", uptime: 0, components: [], unlisted: [:], malformed: [:])
        for (key, v) in fields {
            switch key {
            case "id":
                guard case .string(let s) = v, idPattern(s) else { return nil }
                content.id = s
            case "uptime":
                guard let n = integer(v) else { return nil }
                content.uptime = n
            case "components":
                guard case .array(let items) = v else { return nil }
                for item in items {
                    guard case .object(let f) = item, f.count == 2, f.contains(where: { $0.0 == "type" }),
                          f.contains(where: { $0.0 == "name" }) else { return nil }
                    guard case .string(let type) = f.first(where: { $0.0 == "type" })?.1,
                          case .string(let name) = f.first(where: { $0.0 == "name" })?.1,
                          let kind = ComponentKind(rawValue: type),
                          let plugin = catalog.plugin(named: name, kind: kind) else { return nil }
                    content.components.append(plugin)
                }
            default:
                guard case .object(let f) = v, !f.isEmpty, Set(f.map(\.0)).count == f.count else { return nil }
                var counts: [String: UInt64] = [:]
                for (kind, n) in f {
                    guard ComponentKind(rawValue: kind) != nil, let count = integer(n), count > 0 else { return nil }
                    counts[kind] = count
                }
                if key == "unlisted" { content.unlisted = counts } else { content.malformed = counts }
            }
        }
        content.components.sort()
        return content
    }

    /// A recursive-descent JSON parser (RFC 8259) over the bytes of valid UTF-8, at most 32
    /// levels deep.
    struct Parser {
        let bytes: [UInt8]
        var i = 0
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func at(_ k: Int) -> UInt8 { k < bytes.count ? bytes[k] : 0 }

        mutating func document() -> Value? {
            guard let v = value() else { return nil }
            skip()
            return i == bytes.count ? v : nil
        }

        mutating func skip() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        mutating func value() -> Value? {
            skip()
            guard i < bytes.count else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                depth += 1
                defer { depth -= 1 }
                guard depth <= 32 else { return nil }
                i += 1
                var fields: [(String, Value)] = []
                skip()
                if at(i) == UInt8(ascii: "}") { i += 1; return .object(fields) }
                while true {
                    skip()
                    guard let key = string() else { return nil }
                    skip()
                    guard at(i) == UInt8(ascii: ":") else { return nil }
                    i += 1
                    guard let v = value() else { return nil }
                    fields.append((key, v))
                    skip()
                    switch at(i) {
                    case UInt8(ascii: ","): i += 1
                    case UInt8(ascii: "}"): i += 1; return .object(fields)
                    default: return nil
                    }
                }
            case UInt8(ascii: "["):
                depth += 1
                defer { depth -= 1 }
                guard depth <= 32 else { return nil }
                i += 1
                var items: [Value] = []
                skip()
                if at(i) == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    guard let v = value() else { return nil }
                    items.append(v)
                    skip()
                    switch at(i) {
                    case UInt8(ascii: ","): i += 1
                    case UInt8(ascii: "]"): i += 1; return .array(items)
                    default: return nil
                    }
                }
            case UInt8(ascii: "\""):
                return string().map { .string($0) }
            case UInt8(ascii: "t"): return word("true")
            case UInt8(ascii: "f"): return word("false")
            case UInt8(ascii: "n"): return word("null")
            default:
                return number()
            }
        }

        mutating func word(_ w: StaticString) -> Value? {
            let n = w.utf8CodeUnitCount
            guard i + n <= bytes.count else { return nil }
            for k in 0..<n where bytes[i + k] != w.utf8Start[k] { return nil }
            i += n
            return .literal
        }

        mutating func number() -> Value? {
            let start = i
            func digits(_ p: inout Parser) -> Int {
                var n = 0
                while p.i < p.bytes.count, (0x30...0x39).contains(p.bytes[p.i]) { p.i += 1; n += 1 }
                return n
            }
            if at(i) == UInt8(ascii: "-") { i += 1 }
            let first = i
            let n = digits(&self)
            guard n > 0, n == 1 || bytes[first] != UInt8(ascii: "0") else { return nil }
            if at(i) == UInt8(ascii: ".") { i += 1; guard digits(&self) > 0 else { return nil } }
            if at(i) == UInt8(ascii: "e") || at(i) == UInt8(ascii: "E") {
                i += 1
                if at(i) == UInt8(ascii: "+") || at(i) == UInt8(ascii: "-") { i += 1 }
                guard digits(&self) > 0 else { return nil }
            }
            return .number(String(decoding: bytes[start..<i], as: UTF8.self))
        }

        mutating func string() -> String? {
            guard at(i) == UInt8(ascii: "\"") else { return nil }
            i += 1
            let start = i
            // Without escapes (the usual case), the string is its bytes.
            while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 { i += 1 }
            if at(i) == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: bytes[start..<(i - 1)], as: UTF8.self)
            }
            var out: [UInt8] = Array(bytes[start..<i])
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                if c < 0x20 { return nil }
                guard c == UInt8(ascii: "\\") else { out.append(c); continue }
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard let high = hex() else { return nil }
                    let scalar: Unicode.Scalar
                    if (0xD800..<0xDC00).contains(high) {
                        guard at(i) == UInt8(ascii: "\\"), at(i + 1) == UInt8(ascii: "u") else { return nil }
                        i += 2
                        guard let low = hex(), (0xDC00..<0xE000).contains(low),
                              let s = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) else { return nil }
                        scalar = s
                    } else {
                        guard let s = Unicode.Scalar(high) else { return nil }  // a lone low surrogate
                        scalar = s
                    }
                    UTF8.encode(scalar) { out.append($0) }
                default: return nil
                }
            }
            return nil
        }

        mutating func hex() -> UInt32? {
            guard i + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for c in bytes[i..<(i + 4)] {
                switch c {
                case 0x30...0x39: v = v << 4 | UInt32(c - 0x30)
                case 0x61...0x66: v = v << 4 | UInt32(c - 0x61 + 10)
                case 0x41...0x46: v = v << 4 | UInt32(c - 0x41 + 10)
                default: return nil
                }
            }
            i += 4
            return v
        }
    }
}

extension InvariantCheck {
    /// The Benthos catalogue's index, made once.
    public static let payloadIndex = CatalogIndex()

    /// The report's reader on every line of `bytes` (at most 64): it accepts a line exactly when
    /// `PayloadOracle` does, and then reads the same content; it never crashes.
    public static func checkPayloadLines(_ bytes: [UInt8], index: CatalogIndex = payloadIndex) -> [Violation] {
        var violations: [Violation] = []
        var reader = PayloadReader(index: index)
        for line in bytes.split(separator: 0x0A, maxSplits: 64, omittingEmptySubsequences: false).prefix(64) {
            let line = Array(line)
            let outcome = reader.read(line)
            // Only a line whose first non-space byte is `{` can be a payload: for any other the
            // reader must refuse, and the (slower) oracle need not be asked.
            let first = line.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }
            let oracle = first == UInt8(ascii: "{") ? PayloadOracle.judge(line, catalog: index.catalog, layout: index.layout) : nil
            switch (outcome, oracle) {
            case (.ldp, .some(let want)):
                let p = reader.ldpPayload
                var hex = ""
                let width = index.layout.width
                var i = 0
                while i < width {
                    var digit = 0
                    for k in 0..<4 where i + k < width && p.bit(i + k) { digit |= 8 >> k }
                    hex += String(digit, radix: 16)
                    i += 4
                }
                if want.epsilon != p.epsilon || want.bits != hex || want.uptime != p.uptime {
                    violations.append(Violation(invariant: "strict reader", detail: "read LDP ε \(p.epsilon) bits \(hex) uptime \(p.uptime), the oracle \(want)"))
                }
            case (.ldp, nil), (.exact, nil):
                violations.append(Violation(invariant: "strict reader", detail: "accepted a line the schema refuses: \(String(decoding: line.prefix(200), as: UTF8.self))"))
            case (.rejected(let reason), .some):
                violations.append(Violation(invariant: "strict reader", detail: "refused (\(reason.rawValue)) a valid payload: \(String(decoding: line.prefix(200), as: UTF8.self))"))
            case (.exact, .some(let want)):
                let p = reader.payload
                func counts(_ c: [UInt64]) -> [String: UInt64] {
                    var out: [String: UInt64] = [:]
                    for (k, n) in c.enumerated() where n > 0 { out[CatalogIndex.kinds[k].rawValue] = n }
                    return out
                }
                let got = PayloadOracle.Content(id: want.id, uptime: p.uptime,
                                                components: p.plugins.map { index.names[Int($0)] }.sorted(),
                                                unlisted: counts(p.unlisted), malformed: counts(p.malformed))
                // The id as the oracle read it (8-4-4-4-12 hex digits), as two numbers.
                var halves: (UInt64, UInt64) = (0, 0)
                var digits = 0
                for c in want.id.utf8 where c != UInt8(ascii: "-") {
                    let v = UInt64(c <= 0x39 ? c - 0x30 : c - 0x61 + 10)
                    if digits < 16 { halves.0 = halves.0 << 4 | v } else { halves.1 = halves.1 << 4 | v }
                    digits += 1
                }
                if got != want || p.id.high != halves.0 || p.id.low != halves.1 {
                    violations.append(Violation(invariant: "strict reader", detail: "read \(got) (id \(String(p.id.high, radix: 16)) \(String(p.id.low, radix: 16))), the oracle \(want)"))
                }
            case (.rejected, nil):
                break
            }
        }
        return violations
    }
}
