/// The reader stage: bytes in, validated UTF-8 with `\n` line ends out.
///
/// YAML streams may be UTF-8 or UTF-16 (with a byte-order mark); one real Benthos config is
/// UTF-16LE with CRLF. Everything is decoded here, once, so the parser only ever sees UTF-8
/// in which every line ends in `\n` and no character YAML forbids remains.
enum InputDecoder {
    static func decode(_ raw: [UInt8], limits: YAMLLimits) throws(YAMLError) -> [UInt8] {
        guard raw.count <= limits.maxInputBytes else {
            throw YAMLError(.limit, "input is \(raw.count) bytes, more than the limit of \(limits.maxInputBytes)",
                            at: SourceMark(line: 1, column: 1))
        }
        if raw.count >= 4 && ((raw[0] == 0 && raw[1] == 0 && raw[2] == 0xFE && raw[3] == 0xFF)
                              || (raw[0] == 0xFF && raw[1] == 0xFE && raw[2] == 0 && raw[3] == 0)) {
            throw YAMLError(.unsupported, "UTF-32 input is not supported; save the file as UTF-8",
                            at: SourceMark(line: 1, column: 1))
        }
        if raw.count >= 2 && raw[0] == 0xFF && raw[1] == 0xFE {
            return try validate(try transcodeUTF16(raw, littleEndian: true), start: 0, limits: limits)
        }
        if raw.count >= 2 && raw[0] == 0xFE && raw[1] == 0xFF {
            return try validate(try transcodeUTF16(raw, littleEndian: false), start: 0, limits: limits)
        }
        let start = raw.count >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF ? 3 : 0
        return try validate(raw, start: start, limits: limits)
    }

    /// UTF-16 (after its byte-order mark) to UTF-8, refusing unpaired surrogates and odd lengths.
    static func transcodeUTF16(_ raw: [UInt8], littleEndian: Bool) throws(YAMLError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count / 2)
        var line = 1, column = 1
        var i = 2
        func fail(_ message: String) -> YAMLError {
            YAMLError(.encoding, message, at: SourceMark(line: line, column: column))
        }
        func unit(_ at: Int) -> UInt32 {
            littleEndian ? UInt32(raw[at]) | UInt32(raw[at + 1]) << 8 : UInt32(raw[at]) << 8 | UInt32(raw[at + 1])
        }
        while i < raw.count {
            guard i + 1 < raw.count else { throw fail("invalid UTF-16: odd number of bytes") }
            var scalar = unit(i)
            i += 2
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                guard i + 1 < raw.count else { throw fail("invalid UTF-16: unpaired surrogate") }
                let low = unit(i)
                guard low >= 0xDC00 && low <= 0xDFFF else { throw fail("invalid UTF-16: unpaired surrogate") }
                i += 2
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw fail("invalid UTF-16: unpaired surrogate")
            }
            if scalar == 0x0A { line += 1; column = 1 } else { column += 1 }
            appendUTF8(scalar, to: &out)
        }
        return out
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
            out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Checks that `raw[start...]` is UTF-8 holding only characters YAML allows
    /// (tab, line breaks, printable ASCII, NEL, and non-control characters other than
    /// surrogates, U+FFFE and U+FFFF), refuses a byte-order mark after the start, and turns
    /// CRLF and lone CR into LF.
    static func validate(_ raw: [UInt8], start: Int, limits: YAMLLimits) throws(YAMLError) -> [UInt8] {
        guard raw.count - start <= limits.maxInputBytes else {
            throw YAMLError(.limit, "input is \(raw.count - start) bytes, more than the limit of \(limits.maxInputBytes)",
                            at: SourceMark(line: 1, column: 1))
        }
        var hasCR = false
        let failure: (offset: Int, message: String)? = raw.withUnsafeBufferPointer { b -> (Int, String)? in
            var i = start
            let n = b.count
            let raw = UnsafeRawBufferPointer(b)
            while i < n {
                // Eight printable ASCII bytes at a time (no high bit, none below 0x20, no DEL),
                // the bulk of any config.
                while i + 8 <= n {
                    let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    let high: UInt64 = 0x8080_8080_8080_8080
                    let low: UInt64 = 0x0101_0101_0101_0101
                    let del = w ^ (0x7F * low)
                    if (w | ((w &- 0x20 * low) & ~w) | ((del &- low) & ~del)) & high != 0 { break }
                    i += 8
                }
                guard i < n else { break }
                let c = b[i]
                if c < 0x80 {
                    if c >= 0x20 && c != 0x7F || c == 0x0A || c == 0x09 { i += 1; continue }
                    if c == 0x0D { hasCR = true; i += 1; continue }
                    if c == 0 { return (i, "NUL byte in input (is this UTF-16 without a byte-order mark?)") }
                    return (i, "control character U+\(hex4(UInt32(c))) is not allowed in YAML")
                }
                var scalar: UInt32
                var need: Int
                if c & 0xE0 == 0xC0 { scalar = UInt32(c & 0x1F); need = 1 }
                else if c & 0xF0 == 0xE0 { scalar = UInt32(c & 0x0F); need = 2 }
                else if c & 0xF8 == 0xF0 { scalar = UInt32(c & 0x07); need = 3 }
                else { return (i, "invalid UTF-8 byte 0x\(hex2(c))") }
                guard i + need < n else { return (i, "invalid UTF-8: truncated sequence") }
                for k in 1...need {
                    let d = b[i + k]
                    guard d & 0xC0 == 0x80 else { return (i, "invalid UTF-8 sequence") }
                    scalar = scalar << 6 | UInt32(d & 0x3F)
                }
                let minimum: UInt32 = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000
                if scalar < minimum { return (i, "invalid UTF-8: overlong encoding") }
                if scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF) { return (i, "invalid UTF-8: not a Unicode scalar") }
                if scalar == 0xFEFF { return (i, "byte-order mark inside the stream (only allowed at its start)") }
                if (scalar >= 0x80 && scalar <= 0x9F && scalar != 0x85) || scalar == 0xFFFE || scalar == 0xFFFF {
                    return (i, "character U+\(hex4(scalar)) is not allowed in YAML")
                }
                i += need + 1
            }
            return nil
        }
        if let failure {
            throw YAMLError(.encoding, failure.message, at: mark(of: failure.offset, in: raw, from: start))
        }
        if !hasCR && start == 0 { return raw }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count - start)
        var i = start
        while i < raw.count {
            let c = raw[i]
            if c == 0x0D {
                out.append(0x0A)
                if i + 1 < raw.count && raw[i + 1] == 0x0A { i += 1 }
            } else {
                out.append(c)
            }
            i += 1
        }
        return out
    }

    /// Line and column (in Unicode scalars) of a byte offset, for error messages.
    static func mark(of offset: Int, in raw: [UInt8], from start: Int) -> SourceMark {
        var line = 1, column = 1
        var i = start
        while i < offset && i < raw.count {
            let c = raw[i]
            if c == 0x0A || (c == 0x0D && !(i + 1 < raw.count && raw[i + 1] == 0x0A)) {
                line += 1; column = 1
            } else if c & 0xC0 != 0x80 && c != 0x0D {
                column += 1
            }
            i += 1
        }
        return SourceMark(line: line, column: column)
    }

    static func hex2(_ c: UInt8) -> String {
        String(decoding: [JSONText.hex[Int(c >> 4)], JSONText.hex[Int(c & 15)]], as: UTF8.self).uppercased()
    }

    static func hex4(_ v: UInt32) -> String {
        var digits: [UInt8] = []
        for shift in stride(from: 12, through: 0, by: -4) { digits.append(JSONText.hex[Int((v >> UInt32(shift)) & 15)]) }
        if v > 0xFFFF { return String(v, radix: 16, uppercase: true) }
        return String(decoding: digits, as: UTF8.self).uppercased()
    }
}
