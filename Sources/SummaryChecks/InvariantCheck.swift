import AnonymousSummary

/// The invariants every input must keep, whatever its bytes: checked by the libFuzzer target,
/// by `Scripts/fuzz replay` and by the corpus replay in `swift test`.
///
/// 1. Reading never crashes: the parser and the summariser give a result or an error, and an
///    error has a line and a column.
/// 2. The payload is closed: every component it names is in the catalogue.
/// 3. The payload is anonymous: replacing every value in the config (every non-null scalar
///    that is not a key, except the legacy `type` value that names a plugin) with a canary
///    gives byte-identical payload bytes, and no canary appears in them.
/// 4. The report's reader (`checkPayloadLines`) accepts a line exactly when it is a payload of
///    the published shape (as an independent oracle judges it), reads what it says, and
///    never crashes.
public enum InvariantCheck {
    /// One broken invariant, in words.
    public struct Violation: Sendable, CustomStringConvertible {
        public var invariant: String
        public var detail: String
        public var description: String { "\(invariant): \(detail)" }
    }

    /// A fixed id, so payloads compare byte for byte.
    static let fixedID = InstanceID(parsing: "00000000-0000-4000-8000-000000000000")

    /// What `bytes` broke; empty when every invariant holds.
    public static func check(_ bytes: [UInt8], catalog: ComponentCatalog = .benthos) -> [Violation] {
        // Bytes that look like collected payloads (the first non-space byte is `{`) are also
        // read as payload lines, through the report's strict reader and the oracle. (Any other
        // input can hold no payload: its first line is refused by the reader's first check,
        // which the unit tests pin down; skipping it keeps the fuzzer on the YAML side fast.)
        let first = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }
        let payloadChecks = first == UInt8(ascii: "{") ? checkPayloadLines(bytes) : []
        return payloadChecks + checkYAML(bytes, catalog: catalog)
    }

    static func hasInterpolationStart(_ bytes: [UInt8]) -> Bool {
        var previous: UInt8 = 0
        for b in bytes {
            if previous == UInt8(ascii: "$") && b == UInt8(ascii: "{") { return true }
            previous = b
        }
        return false
    }

    /// Invariants 1 to 3 only (the YAML side), for the fuzzer's default target.
    public static func checkYAML(_ bytes: [UInt8], catalog: ComponentCatalog = .benthos) -> [Violation] {
        var violations: [Violation] = []
        // The parser on the raw bytes. Without a `${` in them, the summariser's parse below reads
        // exactly the same text (nothing to neutralise), so this one is skipped.
        if hasInterpolationStart(bytes) {
            do {
                _ = try YAML.parseDocument(bytes)
            } catch {
                if error.line < 1 || error.column < 1 { violations.append(Violation(invariant: "located error", detail: "parse error without a position: \(error)")) }
            }
        }
        let summariser = Summariser(catalog: catalog)
        let flat: YAMLDocument
        do {
            flat = try summariser.flatDocument(bytes)
        } catch {
            if error.line < 1 { violations.append(Violation(invariant: "located error", detail: "\(error)")) }
            return violations
        }
        let usage = summariser.usage(ofDocument: flat)
        guard let id = fixedID else { return [Violation(invariant: "setup", detail: "no fixed id")] }
        let payload = Summary(id: id, uptimeSeconds: 0, usage: usage).jsonBytes()
        for name in usage.components where catalog.plugin(named: name.name, kind: name.kind) != name {
            violations.append(Violation(invariant: "closed payload", detail: "\(name) is not in the catalogue"))
        }
        guard let root = flat.roots.first else { return violations }  // an empty stream: nothing to replace
        let document = flat.tree(root)
        var canaries = CanaryRenderer(typeField: catalog.typeField.map { "\($0)" })
        let replaced = canaries.render(document)
        // A key that needs escapes may not fit the parser's 1,024-character implicit-key limit
        // once written double-quoted; such a document cannot be re-rendered faithfully, so the
        // anonymity check does not apply to it (the parse and payload checks above still do).
        if canaries.longestKey > 1024 { return violations }
        let other: ComponentUsage
        do {
            other = try summariser.usage(of: [ConfigSource(Array(replaced.utf8))])
        } catch {
            violations.append(Violation(invariant: "anonymous payload", detail: "the config with canary values cannot be read: \(error)\n\(replaced)"))
            return violations
        }
        let otherPayload = Summary(id: id, uptimeSeconds: 0, usage: other).jsonBytes()
        if otherPayload != payload {
            violations.append(Violation(invariant: "anonymous payload",
                                        detail: "values changed the payload: \(String(decoding: payload, as: UTF8.self)) vs \(String(decoding: otherPayload, as: UTF8.self))"))
        }
        let text = String(decoding: otherPayload, as: UTF8.self)
        if text.contains(CanaryRenderer.prefix) {
            violations.append(Violation(invariant: "anonymous payload", detail: "a canary reached the payload: \(text)"))
        }
        return violations
    }
}

/// Writes a parsed document back as YAML with every value replaced by a distinct canary:
/// block collections, every key and canary double-quoted, nulls kept as nulls. Recursion is
/// bounded by the parser's depth limit.
public struct CanaryRenderer {
    static let prefix = "zq-canary-"
    let typeField: String?
    var count = 0
    /// Characters in the longest key written, quotes included.
    private(set) var longestKey = 0

    /// `typeField`: the key whose value names a plugin and is kept (`type` in Benthos).
    public init(typeField: String?) { self.typeField = typeField }

    public mutating func render(_ node: YAMLNode) -> String {
        var out = ""
        write(node, indent: 0, into: &out)
        return out
    }

    private mutating func canary() -> String {
        count += 1
        return "\"\(Self.prefix)\(count)\""
    }

    private mutating func write(_ node: YAMLNode, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch node.content {
        case .scalar:
            out += pad + (node.isNull ? "null" : canary()) + "\n"
        case .sequence(let items):
            if items.isEmpty { out += pad + "[]\n"; return }
            for item in items {
                out += pad + "-\n"
                write(item, indent: indent + 2, into: &out)
            }
        case .mapping(let pairs):
            if pairs.isEmpty { out += pad + "{}\n"; return }
            for pair in pairs {
                let key = pair.key.scalarValue ?? ""
                let written = Self.quoted(key)
                longestKey = max(longestKey, written.unicodeScalars.count)
                out += pad + written + ":\n"
                if key == typeField, case .scalar(let name, _) = pair.value.content, !pair.value.isNull {
                    out += pad + "  " + Self.quoted(name) + "\n"
                } else {
                    write(pair.value, indent: indent + 2, into: &out)
                }
            }
        }
    }

    /// A double-quoted YAML scalar for any string, escaping as little as possible (tabs and
    /// printable characters stay raw) so a key stays within the parser's implicit-key length.
    static func quoted(_ s: String) -> String {
        var out = "\""
        var previousWasDollar = false
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            // `{` after `$` escaped, so the text cannot grow an environment interpolation.
            case "{" where previousWasDollar: out += "\\x7b"
            default:
                if (u.value < 0x20 && u != "\t") || u.value == 0x7F || (0x80...0x9F).contains(u.value)
                    || u == "\u{2028}" || u == "\u{2029}" || u == "\u{FEFF}" || u == "\u{FFFE}" || u == "\u{FFFF}" {
                    // What YAML does not allow raw (or would read as a line break), escaped.
                    out += "\\U" + hex8(u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
            previousWasDollar = u == "$"
        }
        return out + "\""
    }

    static func hex8(_ v: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<8).reversed().map { digits[Int((v >> (UInt32($0) * 4)) & 0xF)] })
    }
}
