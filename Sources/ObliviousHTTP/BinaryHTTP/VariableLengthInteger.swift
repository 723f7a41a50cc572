// QUIC variable-length integers (RFC 9000 section 16) and a bounded reader over a message's bytes.

/// RFC 9000 section 16: the two high bits of the first byte give the length (1, 2, 4 or 8 bytes),
/// the rest is the value, big-endian. Values up to 2^62 - 1.
enum VariableLengthInteger {
    static let max: UInt64 = (1 << 62) - 1

    /// The shortest encoding of `value`. Every length this package encodes counts bytes held in
    /// memory, so it is below 2^62; a larger value would be cut to its low 62 bits (never reached).
    static func encode(_ value: UInt64, into out: inout [UInt8]) {
        switch value {
        case ..<(1 << 6):
            out.append(UInt8(value))
        case ..<(1 << 14):
            out.append(0x40 | UInt8(value >> 8)); out.append(UInt8(truncatingIfNeeded: value))
        case ..<(1 << 30):
            out.append(0x80 | UInt8(value >> 24))
            for shift in stride(from: 16, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        default:
            out.append(0xC0 | UInt8(truncatingIfNeeded: value >> 56) & 0x3F)
            for shift in stride(from: 48, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
    }

    static func encode(_ count: Int, into out: inout [UInt8]) {
        encode(UInt64(clamping: count), into: &out)
    }
}

/// Reads a message front to back within `[offset, end)`; every read checks what is left first,
/// so a length in the input never makes it allocate or index past the input.
struct BinaryHTTPReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        offset = 0
        end = bytes.count
    }

    private init(_ bytes: [UInt8], offset: Int, end: Int) {
        self.bytes = bytes
        self.offset = offset
        self.end = end
    }

    var isAtEnd: Bool { offset >= end }

    mutating func varint() throws(BinaryHTTPError) -> UInt64 {
        guard offset < end else { throw BinaryHTTPError(.truncated, at: offset) }
        let first = bytes[offset]
        let length = 1 << Int(first >> 6)
        guard end - offset >= length else { throw BinaryHTTPError(.truncated, at: offset) }
        var value = UInt64(first & 0x3F)
        for i in 1..<length { value = value << 8 | UInt64(bytes[offset + i]) }
        offset += length
        return value
    }

    /// A length followed by that many bytes, which must be there.
    mutating func lengthPrefixed() throws(BinaryHTTPError) -> ArraySlice<UInt8> {
        let at = offset
        let length = try varint()
        guard length <= UInt64(end - offset) else { throw BinaryHTTPError(.lengthPastEnd(length), at: at) }
        let slice = bytes[offset..<(offset + Int(length))]
        offset += Int(length)
        return slice
    }

    /// A reader over a length-prefixed section, this one moved past it.
    mutating func section() throws(BinaryHTTPError) -> BinaryHTTPReader {
        let at = offset
        let length = try varint()
        guard length <= UInt64(end - offset) else { throw BinaryHTTPError(.lengthPastEnd(length), at: at) }
        let inner = BinaryHTTPReader(bytes, offset: offset, end: offset + Int(length))
        offset += Int(length)
        return inner
    }

    /// RFC 9292 section 3.8: whatever follows the message is zero bytes.
    func requireZeroPadding() throws(BinaryHTTPError) {
        var i = offset
        while i < end {
            guard bytes[i] == 0 else { throw BinaryHTTPError(.nonZeroPadding, at: i) }
            i += 1
        }
    }
}
