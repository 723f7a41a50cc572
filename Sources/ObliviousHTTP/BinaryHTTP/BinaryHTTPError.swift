// Binary HTTP (RFC 9292): why a message was refused, and where.

/// Why a binary HTTP message (RFC 9292) was refused, with the byte offset where the problem
/// starts, so a log line can point at it. A message is refused whole (RFC 9292 section 4:
/// "Invalid messages MUST NOT be processed further").
public struct BinaryHTTPError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The bytes end inside a length, a control field, a field line or a counted part.
        case truncated
        /// A framing indicator other than 0 (known-length request) or 1 (known-length
        /// response): 2 and 3 (indeterminate length) are valid RFC 9292 but not read here.
        case unsupportedFraming(UInt64)
        /// A request where a response was expected, or the reverse.
        case wrongFraming(UInt64)
        /// A status code outside 100...599 (1xx are informational, skipped; 200...599 final).
        case invalidStatus(UInt64)
        /// A method that is not an HTTP token (RFC 9110 section 9.1).
        case invalidMethod
        /// A scheme that is not empty nor RFC 3986's `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
        case invalidScheme
        /// An authority with a byte outside RFC 3986's authority characters.
        case invalidAuthority
        /// A path that is not empty, `*`, nor `/` followed by RFC 3986 path and query characters.
        case invalidPath
        /// An empty field name, or one with a byte that is not a token character.
        case invalidFieldName
        /// A field name with an upper-case letter (RFC 9113 section 8.2.1: malformed).
        case upperCaseFieldName
        /// A pseudo-field (a name starting with `:`); none is accepted here.
        case pseudoField
        /// A field value with NUL, CR or LF, or starting or ending with a space or tab
        /// (RFC 9113 section 8.2.1).
        case invalidFieldValue
        /// A field line that runs past the end of its length-prefixed section.
        case fieldLineCrossesSection
        /// A length larger than the bytes that follow it.
        case lengthPastEnd(UInt64)
        /// A non-zero byte where only zero padding may follow (RFC 9292 section 3.8).
        case nonZeroPadding
    }

    public let reason: Reason
    /// The offset, in the message's bytes, where the problem starts; nil for a value built in
    /// code (a field or control datum refused by an initialiser).
    public let offset: Int?

    public init(_ reason: Reason, at offset: Int?) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch reason {
        case .truncated: what = "the message ends inside a length, a control field or a field line"
        case .unsupportedFraming(let f): what = "framing indicator \(f) is not a known-length message (0 or 1)"
        case .wrongFraming(let f): what = "framing indicator \(f) is the other kind of message (request 0, response 1)"
        case .invalidStatus(let s): what = "status \(s) is not in 100...599"
        case .invalidMethod: what = "the method is not an HTTP token"
        case .invalidScheme: what = "the scheme is not an RFC 3986 scheme"
        case .invalidAuthority: what = "the authority has a character RFC 3986 does not allow there"
        case .invalidPath: what = "the path is not empty, '*', nor '/' followed by RFC 3986 path and query characters"
        case .invalidFieldName: what = "a field name is empty or has a character that is not a token character"
        case .upperCaseFieldName: what = "a field name has an upper-case letter"
        case .pseudoField: what = "a pseudo-field (':name') is not accepted"
        case .invalidFieldValue: what = "a field value has NUL, CR or LF, or starts or ends with a space or tab"
        case .fieldLineCrossesSection: what = "a field line runs past the end of its section"
        case .lengthPastEnd(let n): what = "a length of \(n) bytes runs past the end of the message"
        case .nonZeroPadding: what = "a non-zero byte where only zero padding may follow"
        }
        return offset.map { "binary HTTP, byte \($0): \(what)" } ?? "binary HTTP: \(what)"
    }
}
