// Binary HTTP (RFC 9292 section 3.6): field lines, and the character classes that decide what a
// field name, a field value and each request control datum may hold.

/// One header or trailer field line: a lower-case token name and a value (bytes: RFC 9110 lets a
/// value carry bytes that are not UTF-8). Built only valid, so a message made of these encodes
/// to bytes that this package and every strict RFC 9292 reader accept.
public struct BinaryHTTPField: Hashable, Sendable {
    /// The name, lower case (RFC 9292 carries names as HTTP/2 does, where upper case is malformed).
    public let name: String
    public let value: [UInt8]

    /// Refuses a name that is empty, has a non-token byte or an upper-case letter, or is a
    /// pseudo-field; and a value with NUL, CR or LF, or a leading or trailing space or tab.
    public init(name: String, value: [UInt8]) throws(BinaryHTTPError) {
        try self.init(nameBytes: Array(name.utf8), value: value, at: nil)
    }

    public init(name: String, value: String) throws(BinaryHTTPError) {
        try self.init(name: name, value: Array(value.utf8))
    }

    /// The value as text, when it is UTF-8 (decoding repairs invalid UTF-8, so a repaired
    /// string differs from the bytes; `String(validating:)` needs macOS 15, the package 13).
    public var valueText: String? {
        let text = String(decoding: value, as: UTF8.self)
        return text.utf8.elementsEqual(value) ? text : nil
    }

    init<Name: Collection<UInt8>>(nameBytes: Name, value: [UInt8], at offset: Int?) throws(BinaryHTTPError) {
        try BinaryHTTPSyntax.checkFieldName(nameBytes, at: offset)
        try BinaryHTTPSyntax.checkFieldValue(value, at: offset)
        name = String(decoding: nameBytes, as: UTF8.self)
        self.value = value
    }
}

/// RFC 9110 and RFC 3986 character classes, as tables over the 128 ASCII bytes. The bytes checked
/// are message content, not secrets.
enum BinaryHTTPSyntax {
    /// RFC 9110 section 5.6.2 tchar.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    /// RFC 3986 unreserved, sub-delims and '%' (for pct-encoded; the two hex digits are not checked).
    static func isURIByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "-._~%!$&'()*+,;=".utf8.contains(b)
        }
    }

    static func checkFieldName<Name: Collection<UInt8>>(_ name: Name, at offset: Int?) throws(BinaryHTTPError) {
        guard let first = name.first else { throw BinaryHTTPError(.invalidFieldName, at: offset) }
        guard first != UInt8(ascii: ":") else { throw BinaryHTTPError(.pseudoField, at: offset) }
        for b in name {
            guard isTokenByte(b) else { throw BinaryHTTPError(.invalidFieldName, at: offset) }
            guard !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b) else { throw BinaryHTTPError(.upperCaseFieldName, at: offset) }
        }
    }

    static func checkFieldValue<Value: Collection<UInt8>>(_ value: Value, at offset: Int?) throws(BinaryHTTPError) {
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        if let first = value.first, blank(first) { throw BinaryHTTPError(.invalidFieldValue, at: offset) }
        var last: UInt8 = 0
        for b in value {
            guard b != 0x00, b != 0x0A, b != 0x0D else { throw BinaryHTTPError(.invalidFieldValue, at: offset) }
            last = b
        }
        guard !blank(last) else { throw BinaryHTTPError(.invalidFieldValue, at: offset) }
    }

    static func checkMethod<Bytes: Collection<UInt8>>(_ method: Bytes, at offset: Int?) throws(BinaryHTTPError) {
        guard !method.isEmpty, method.allSatisfy(isTokenByte) else { throw BinaryHTTPError(.invalidMethod, at: offset) }
    }

    /// Empty (a CONNECT request has none) or an RFC 3986 scheme.
    static func checkScheme<Bytes: Collection<UInt8>>(_ scheme: Bytes, at offset: Int?) throws(BinaryHTTPError) {
        guard let first = scheme.first else { return }
        let isAlpha: (UInt8) -> Bool = { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) }
        guard isAlpha(first), scheme.allSatisfy({ isAlpha($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || "+-.".utf8.contains($0) }) else {
            throw BinaryHTTPError(.invalidScheme, at: offset)
        }
    }

    /// Empty (RFC 9292 section 3.4: an absent authority is encoded empty) or RFC 3986 authority
    /// characters (userinfo, host including an IP literal's brackets, port).
    static func checkAuthority<Bytes: Collection<UInt8>>(_ authority: Bytes, at offset: Int?) throws(BinaryHTTPError) {
        guard authority.allSatisfy({ isURIByte($0) || ":@[]".utf8.contains($0) }) else {
            throw BinaryHTTPError(.invalidAuthority, at: offset)
        }
    }

    /// Empty (CONNECT), `*` (OPTIONS), or an absolute path with an optional query.
    static func checkPath<Bytes: Collection<UInt8>>(_ path: Bytes, at offset: Int?) throws(BinaryHTTPError) {
        guard let first = path.first else { return }
        if path.count == 1, first == UInt8(ascii: "*") { return }
        guard first == UInt8(ascii: "/"), path.allSatisfy({ isURIByte($0) || ":@/?".utf8.contains($0) }) else {
            throw BinaryHTTPError(.invalidPath, at: offset)
        }
    }
}

extension BinaryHTTPReader {
    /// A known-length field section (RFC 9292 section 3.6): its length, then field lines that
    /// fill it exactly. At most one line per two bytes of input, so the array is bounded by it.
    mutating func fieldSection() throws(BinaryHTTPError) -> [BinaryHTTPField] {
        var section = try section()
        var fields: [BinaryHTTPField] = []
        while !section.isAtEnd {
            let at = section.offset
            do throws(BinaryHTTPError) {
                let name = try section.lengthPrefixed()
                let value = try section.lengthPrefixed()
                fields.append(try BinaryHTTPField(nameBytes: name, value: Array(value), at: at))
            } catch let error where error.reason == .truncated || error.reason.isLengthPastEnd {
                throw BinaryHTTPError(.fieldLineCrossesSection, at: at)
            }
        }
        return fields
    }
}

extension BinaryHTTPError.Reason {
    var isLengthPastEnd: Bool {
        if case .lengthPastEnd = self { return true }
        return false
    }
}

extension [BinaryHTTPField] {
    /// The section's length, then each line's name and value, each length-prefixed.
    func encodeSection(into out: inout [UInt8]) {
        var body: [UInt8] = []
        for field in self {
            VariableLengthInteger.encode(field.name.utf8.count, into: &body)
            body += field.name.utf8
            VariableLengthInteger.encode(field.value.count, into: &body)
            body += field.value
        }
        VariableLengthInteger.encode(body.count, into: &out)
        out += body
    }
}
