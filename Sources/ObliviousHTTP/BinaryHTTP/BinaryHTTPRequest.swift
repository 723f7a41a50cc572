// Binary HTTP (RFC 9292 sections 3.1, 3.4, 3.8): a known-length request, encoded and decoded.

/// An HTTP request as RFC 9292's known-length binary message (framing indicator 0): control data
/// (method, scheme, authority, path), header fields, content, trailer fields. Immutable and
/// valid by construction: every initialiser checks what it is given.
public struct BinaryHTTPRequest: Hashable, Sendable {
    /// An HTTP token, as given (methods are case-sensitive): `GET`, `POST`.
    public let method: String
    /// `https`, `http`, or empty (CONNECT).
    public let scheme: String
    /// `host[:port]`, or empty when there is none (RFC 9292 section 3.4).
    public let authority: String
    /// `/path?query`, `*`, or empty (CONNECT).
    public let path: String
    public let headers: [BinaryHTTPField]
    public let content: [UInt8]
    public let trailers: [BinaryHTTPField]

    public init(method: String, scheme: String, authority: String, path: String,
                headers: [BinaryHTTPField] = [], content: [UInt8] = [], trailers: [BinaryHTTPField] = []) throws(BinaryHTTPError) {
        try BinaryHTTPSyntax.checkMethod(method.utf8, at: nil)
        try BinaryHTTPSyntax.checkScheme(scheme.utf8, at: nil)
        try BinaryHTTPSyntax.checkAuthority(authority.utf8, at: nil)
        try BinaryHTTPSyntax.checkPath(path.utf8, at: nil)
        self.method = method
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.headers = headers
        self.content = content
        self.trailers = trailers
    }

    /// Decodes a `message/bhttp` request of known length. Accepts what RFC 9292 section 3.8
    /// allows: the message cut before any of the three lengths that follow the control data
    /// (the parts missing read as empty), and zero padding after it. Refuses everything else,
    /// with the offset of the first byte at fault: indeterminate length (framing 2), a response,
    /// a length past the end, a field line past its section, a name or value HTTP/2 would call
    /// malformed, non-zero padding. Allocates at most what `bytes` holds.
    public init(decoding bytes: [UInt8]) throws(BinaryHTTPError) {
        var reader = BinaryHTTPReader(bytes)
        let framing = try reader.varint()
        guard framing == 0 else {
            throw BinaryHTTPError(framing == 1 ? .wrongFraming(framing) : .unsupportedFraming(framing), at: 0)
        }
        var at = reader.offset
        let method = try reader.lengthPrefixed()
        try BinaryHTTPSyntax.checkMethod(method, at: at)
        at = reader.offset
        let scheme = try reader.lengthPrefixed()
        try BinaryHTTPSyntax.checkScheme(scheme, at: at)
        at = reader.offset
        let authority = try reader.lengthPrefixed()
        try BinaryHTTPSyntax.checkAuthority(authority, at: at)
        at = reader.offset
        let path = try reader.lengthPrefixed()
        try BinaryHTTPSyntax.checkPath(path, at: at)
        self.method = String(decoding: method, as: UTF8.self)
        self.scheme = String(decoding: scheme, as: UTF8.self)
        self.authority = String(decoding: authority, as: UTF8.self)
        self.path = String(decoding: path, as: UTF8.self)
        (headers, content, trailers) = try reader.knownLengthRest()
    }

    /// The known-length encoding. `omittingEmptyTail` drops the trailing parts that are empty
    /// (trailers; then content; then headers), as RFC 9292 section 3.8 permits and RFC 9458's
    /// example does; `padding` zero bytes follow (they hide the length, inside OHTTP's AEAD).
    public func encoded(omittingEmptyTail: Bool = false, padding: Int = 0) -> [UInt8] {
        var out: [UInt8] = [0]
        for part in [method, scheme, authority, path] {
            VariableLengthInteger.encode(part.utf8.count, into: &out)
            out += part.utf8
        }
        encodeKnownLengthRest(headers: headers, content: content, trailers: trailers, omittingEmptyTail: omittingEmptyTail, into: &out)
        out += repeatElement(0, count: max(0, padding))
        return out
    }
}

extension BinaryHTTPReader {
    /// Header section, content, trailer section, padding: each of the three may be cut off
    /// (section 3.8: "Decoders MUST treat missing truncated fields as equivalent to having been
    /// sent with the length field sent to zero").
    mutating func knownLengthRest() throws(BinaryHTTPError) -> ([BinaryHTTPField], [UInt8], [BinaryHTTPField]) {
        guard !isAtEnd else { return ([], [], []) }
        let headers = try fieldSection()
        guard !isAtEnd else { return (headers, [], []) }
        let content = Array(try lengthPrefixed())
        guard !isAtEnd else { return (headers, content, []) }
        let trailers = try fieldSection()
        try requireZeroPadding()
        return (headers, content, trailers)
    }
}

func encodeKnownLengthRest(headers: [BinaryHTTPField], content: [UInt8], trailers: [BinaryHTTPField],
                           omittingEmptyTail: Bool, into out: inout [UInt8]) {
    let keepTrailers = !omittingEmptyTail || !trailers.isEmpty
    let keepContent = keepTrailers || !content.isEmpty
    let keepHeaders = keepContent || !headers.isEmpty
    if keepHeaders { headers.encodeSection(into: &out) }
    if keepContent {
        VariableLengthInteger.encode(content.count, into: &out)
        out += content
    }
    if keepTrailers { trailers.encodeSection(into: &out) }
}
