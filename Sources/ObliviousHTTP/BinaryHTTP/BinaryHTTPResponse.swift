// Binary HTTP (RFC 9292 sections 3.1, 3.5, 3.8): a known-length response, encoded and decoded.

/// An HTTP response as RFC 9292's known-length binary message (framing indicator 1): a final
/// status, header fields, content, trailer fields. Informational (1xx) responses are read past
/// when decoding and never encoded: a client of an OHTTP gateway has nothing to do with them.
public struct BinaryHTTPResponse: Hashable, Sendable {
    /// 200...599.
    public let status: Int
    public let headers: [BinaryHTTPField]
    public let content: [UInt8]
    public let trailers: [BinaryHTTPField]

    /// Refuses a status outside 200...599.
    public init(status: Int, headers: [BinaryHTTPField] = [], content: [UInt8] = [], trailers: [BinaryHTTPField] = []) throws(BinaryHTTPError) {
        guard (200...599).contains(status) else { throw BinaryHTTPError(.invalidStatus(UInt64(clamping: status)), at: nil) }
        self.status = status
        self.headers = headers
        self.content = content
        self.trailers = trailers
    }

    /// Decodes a `message/bhttp` response of known length: informational responses (each a 1xx
    /// status and a header section, checked as strictly) are skipped; then the final status,
    /// and the rest as for a request (cut-off empty parts, zero padding). Refuses a status
    /// outside 100...599, indeterminate length, a request, and whatever `BinaryHTTPRequest`
    /// refuses in fields, lengths and padding. Allocates at most what `bytes` holds.
    public init(decoding bytes: [UInt8]) throws(BinaryHTTPError) {
        var reader = BinaryHTTPReader(bytes)
        let framing = try reader.varint()
        guard framing == 1 else {
            throw BinaryHTTPError(framing == 0 ? .wrongFraming(framing) : .unsupportedFraming(framing), at: 0)
        }
        // Each pass consumes at least two bytes (status and section length), so the loop ends.
        while true {
            let at = reader.offset
            let status = try reader.varint()
            switch status {
            case 100...199:
                _ = try reader.fieldSection()
            case 200...599:
                self.status = Int(status)
                (headers, content, trailers) = try reader.knownLengthRest()
                return
            default:
                throw BinaryHTTPError(.invalidStatus(status), at: at)
            }
        }
    }

    /// The known-length encoding; `omittingEmptyTail` and `padding` as for `BinaryHTTPRequest`.
    public func encoded(omittingEmptyTail: Bool = false, padding: Int = 0) -> [UInt8] {
        var out: [UInt8] = [1]
        VariableLengthInteger.encode(status, into: &out)
        encodeKnownLengthRest(headers: headers, content: content, trailers: trailers, omittingEmptyTail: omittingEmptyTail, into: &out)
        out += repeatElement(0, count: max(0, padding))
        return out
    }
}
