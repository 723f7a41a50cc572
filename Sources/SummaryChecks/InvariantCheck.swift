import AnonymousSummary
import VDAF
import DAP
import TelemetryDAP

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
/// 5. Prio3's and DAP's decoders (`checkPrio3Decoders`, for inputs whose first byte is below
///    0x0D: it names the message, the rest is its encoding) take any bytes without crashing, and
///    what the Prio3 ones and the HPKE configuration list accept encodes back to the same bytes.
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
        let prio3Checks = (bytes.first ?? 0xFF) < 0x0D ? checkPrio3Decoders(bytes) : []
        return payloadChecks + prio3Checks + checkYAML(bytes, catalog: catalog)
    }

    /// True if `${` occurs in `bytes` (eight bytes at a time past those without a `$`).
    public static func hasInterpolationStart(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw -> Bool in
            let n = raw.count
            let dollars: UInt64 = 0x2424_2424_2424_2424, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F, high: UInt64 = 0x8080_8080_8080_8080
            var i = 0
            while i < n {
                if i + 8 <= n {
                    // A byte of x is zero (a `$`) exactly when its high bit is clear here.
                    let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ dollars
                    if (((x & low7) &+ low7) | x) & high == high { i += 8; continue }
                }
                if raw[i] == UInt8(ascii: "$") && i + 1 < n && raw[i + 1] == UInt8(ascii: "{") { return true }
                i += 1
            }
            return false
        }
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
        var canaries = CanaryRenderer(typeField: catalog.typeField.map { "\($0)" })
        let replaced = canaries.render(flat, root)
        // A key that needs escapes may not fit the parser's 1,024-character implicit-key limit
        // once written double-quoted; such a document cannot be re-rendered faithfully, so the
        // anonymity check does not apply to it (the parse and payload checks above still do).
        if canaries.longestKey > 1024 { return violations }
        let other: ComponentUsage
        do {
            other = summariser.usage(ofDocument: try summariser.flatDocument(replaced))
        } catch {
            violations.append(Violation(invariant: "anonymous payload", detail: "the config with canary values cannot be read: \(error)\n\(String(decoding: replaced, as: UTF8.self))"))
            return violations
        }
        let otherPayload = Summary(id: id, uptimeSeconds: 0, usage: other).jsonBytes()
        if otherPayload != payload {
            violations.append(Violation(invariant: "anonymous payload",
                                        detail: "values changed the payload: \(String(decoding: payload, as: UTF8.self)) vs \(String(decoding: otherPayload, as: UTF8.self))"))
        }
        if CanaryRenderer.containsCanary(otherPayload) {
            violations.append(Violation(invariant: "anonymous payload", detail: "a canary reached the payload: \(String(decoding: otherPayload, as: UTF8.self))"))
        }
        return violations
    }
}

/// Writes a parsed document back as YAML with every value replaced by a distinct canary:
/// block collections, every key and canary double-quoted, nulls kept as nulls. It reads the
/// flat document and writes bytes (no tree, no `String`), so the fuzzer's time goes to the
/// code under test. Recursion is bounded by the parser's depth limit.
public struct CanaryRenderer {
    static let prefix: [UInt8] = Array("zq-canary-".utf8)
    let typeField: [UInt8]?
    var count = 0
    /// Characters (Unicode scalars) in the longest key written, quotes included.
    private(set) var longestKey = 0

    /// `typeField`: the key whose value names a plugin and is kept (`type` in Benthos).
    public init(typeField: String?) { self.typeField = typeField.map { Array($0.utf8) } }

    /// Node `node` of `document` (a root, usually) as YAML text.
    public mutating func render(_ document: YAMLDocument, _ node: YAMLDocument.Node) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(document.text.count * 2 + 64)
        write(document, node, indent: 0, into: &out)
        return out
    }

    /// True if the canaries' common prefix occurs in `bytes`.
    public static func containsCanary(_ bytes: [UInt8]) -> Bool {
        let p = prefix
        guard bytes.count >= p.count else { return false }
        var i = 0
        while i <= bytes.count - p.count {
            if bytes[i] == p[0] {
                var k = 1
                while k < p.count && bytes[i + k] == p[k] { k += 1 }
                if k == p.count { return true }
            }
            i += 1
        }
        return false
    }

    private mutating func canary(into out: inout [UInt8]) {
        count += 1
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: Self.prefix)
        var scale = 1
        while scale <= count / 10 { scale *= 10 }
        while scale > 0 { out.append(UInt8(ascii: "0") + UInt8(count / scale % 10)); scale /= 10 }
        out.append(UInt8(ascii: "\""))
    }

    private static func pad(_ indent: Int, into out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
    }

    private mutating func write(_ d: YAMLDocument, _ node: YAMLDocument.Node, indent: Int, into out: inout [UInt8]) {
        Self.pad(indent, into: &out)
        if d.isScalar(node) {
            if d.isNull(node) { out.append(contentsOf: "null".utf8) } else { canary(into: &out) }
            out.append(0x0A)
        } else if d.isSequence(node) {
            let items = d.children(node)
            if items.count == 0 { out.append(contentsOf: "[]\n".utf8); return }
            var first = true
            for item in items {
                if !first { Self.pad(indent, into: &out) }
                first = false
                out.append(contentsOf: "-\n".utf8)
                write(d, item, indent: indent + 2, into: &out)
            }
        } else {
            let pairs = d.pairs(node)
            if pairs.count == 0 { out.append(contentsOf: "{}\n".utf8); return }
            var first = true
            for pair in pairs {
                if !first { Self.pad(indent, into: &out) }
                first = false
                let isType = d.withScalarBytes(pair.key) { key -> Bool in
                    let written = Self.quote(key, into: &out)
                    longestKey = max(longestKey, written)
                    return typeField.map { key.elementsEqual($0) } ?? false
                }
                out.append(contentsOf: ":\n".utf8)
                if isType, d.isScalar(pair.value), !d.isNull(pair.value) {
                    Self.pad(indent + 2, into: &out)
                    d.withScalarBytes(pair.value) { _ = Self.quote($0, into: &out) }
                    out.append(0x0A)
                } else {
                    write(d, pair.value, indent: indent + 2, into: &out)
                }
            }
        }
    }

    /// Appends `s` (valid UTF-8) as a double-quoted YAML scalar, escaping as little as possible
    /// (tabs and printable characters stay raw) so a key stays within the parser's implicit-key
    /// length; returns the Unicode scalars written, quotes included.
    @discardableResult
    static func quote(_ s: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Int {
        out.append(UInt8(ascii: "\""))
        var written = 2
        var previousWasDollar = false
        var i = 0
        while i < s.count {
            let c = s[i]
            // The scalar at i and its length in bytes (the document's text is valid UTF-8).
            var value = UInt32(c)
            var length = 1
            if c >= 0xF0 { length = 4; value = UInt32(c & 0x07) }
            else if c >= 0xE0 { length = 3; value = UInt32(c & 0x0F) }
            else if c >= 0xC0 { length = 2; value = UInt32(c & 0x1F) }
            if length > 1 {
                for k in 1..<length where i + k < s.count { value = value << 6 | UInt32(s[i + k] & 0x3F) }
            }
            switch value {
            case 0x22: out.append(contentsOf: "\\\"".utf8); written += 2
            case 0x5C: out.append(contentsOf: "\\\\".utf8); written += 2
            // `{` after `$` escaped, so the text cannot grow an environment interpolation.
            case 0x7B where previousWasDollar: out.append(contentsOf: "\\x7b".utf8); written += 4
            default:
                if (value < 0x20 && value != 0x09) || value == 0x7F || (0x80...0x9F).contains(value)
                    || value == 0x2028 || value == 0x2029 || value == 0xFEFF || value == 0xFFFE || value == 0xFFFF {
                    // What YAML does not allow raw (or would read as a line break), escaped.
                    out.append(contentsOf: "\\U".utf8)
                    for shift in stride(from: 28, through: 0, by: -4) { out.append(hexDigits[Int((value >> UInt32(shift)) & 0xF)]) }
                    written += 10
                } else {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: s[i..<min(i + length, s.count)]))
                    written += 1
                }
            }
            previousWasDollar = value == 0x24
            i += length
        }
        out.append(UInt8(ascii: "\""))
        return written
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

extension InvariantCheck {
    /// The telemetry's Prio3 instance (SumVec over the DAP layout) and Prio3Count (no joint randomness).
    static let presence = try? Prio3Variants.sumVec(length: DAPTelemetryLayout().length, maxMeasurement: 1,
                                                                      chunkLength: TelemetryMeasurement.defaultChunkLength)
    static let count = try? Prio3Variants.count()

    /// Invariant 5: bytes[0] names a message (0 public share, 1 Leader input share, 2 Helper
    /// input share, 3 verifier share, 4 verifier message, 5 output or aggregate share of the
    /// telemetry's measurement; 6 to 8 Prio3Count's public share and input shares), the rest is
    /// read as its encoding.
    public static func checkPrio3Decoders(_ bytes: [UInt8]) -> [Violation] {
        guard let kind = bytes.first, kind < 0x0D, bytes.count > 0 else { return [] }
        let body = Array(bytes.dropFirst())
        // 9 to 12: what a DAP Leader or client reads: an HpkeConfigList (which must encode back
        // to the same bytes), an UploadRequest, UploadErrors, a PlaintextInputShare (any bytes: a
        // value or an error, never a trap).
        switch kind {
        case 9:
            if let list = try? DAPHpkeConfigList(decoding: body), (try? list.encoded()) != body {
                return [Violation(invariant: "5. DAP decoders", detail: "an HpkeConfigList encodes back differently")]
            }
            return []
        case 10:
            // Either profile's upload: what decodes must encode back to the same bytes.
            for profile in DAPProfile.all {
                if let reports = try? DAPUpload.reports(in: body, profile), (try? DAPUpload.body(reports, profile)) != body {
                    return [Violation(invariant: "5. DAP decoders", detail: "a \(profile) upload encodes back differently")]
                }
            }
            return []
        case 11: _ = try? DAPUpload.errors(in: body); return []
        case 12: _ = try? DAPUpload.payload(ofPlaintextInputShare: body); return []
        default: break
        }
        func roundTrip<V: ValidityCircuit>(_ vdaf: Prio3<V>, _ k: UInt8) -> [UInt8]? {
            switch k {
            case 0: return (try? vdaf.decodePublicShare(body)).map { vdaf.encodePublicShare($0) }
            case 1: return (try? vdaf.decodeInputShare(body, aggID: 0)).map { vdaf.encodeInputShare($0) }
            case 2: return (try? vdaf.decodeInputShare(body, aggID: 1)).map { vdaf.encodeInputShare($0) }
            case 3: return (try? vdaf.decodeVerifierShare(body)).map { vdaf.encodeVerifierShare($0) }
            case 4: return (try? vdaf.decodeVerifierMessage(body)).map { vdaf.encodeVerifierMessage($0) }
            default: return (try? vdaf.decodeShare(body)).map { vdaf.encodeShare($0) }
            }
        }
        // 0 to 5: the telemetry measurement's messages; 6 to 8: Prio3Count's public share,
        // Leader and Helper input shares.
        let again = kind < 6 ? presence.flatMap { roundTrip($0, kind) } : count.flatMap { roundTrip($0, kind - 6) }
        if let again, again != body {
            return [Violation(invariant: "5. Prio3 decoders", detail: "message \(kind): decoded bytes encode back differently")]
        }
        return []
    }
}
