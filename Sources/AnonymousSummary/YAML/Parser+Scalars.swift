extension Parser {
    // MARK: Plain scalars

    /// Scans the plain scalar text on the current line from `pos`. Stops at `: ` (or `:`
    /// before a flow indicator in flow context), ` #`, the line end, and in flow context at
    /// `,[]{}`. Returns the text's bounds with trailing white space trimmed, and leaves `pos`
    /// at the stop.
    mutating func scanPlainLine(flow: Bool) -> (Int, Int) {
        let start = pos
        var i = pos
        var contentEnd = pos
        while i < end {
            // In block context, eight bytes at a time past runs that hold no line end, blank,
            // `:` or `#` (the bulk of a long value).
            if !flow && i + 8 <= end && !Parser.mayEndPlain(b, i) {
                i += 8
                contentEnd = i
                continue
            }
            let c = b[i]
            if c == 0x0A { break }
            if c == 0x20 || c == 0x09 { i += 1; continue }
            if c == 0x3A {
                let d = byte(at: i + 1)
                if Parser.isBlank(d) || (flow && Parser.isFlowIndicator(d)) { break }
            } else if c == 0x23 {
                if i > start && (b[i - 1] == 0x20 || b[i - 1] == 0x09) { break }
            } else if flow && Parser.isFlowIndicator(c) {
                break
            }
            i += 1
            contentEnd = i
        }
        pos = i
        return (start, contentEnd)
    }

    /// True if one of the eight bytes from `i` is a line end, a blank, `:` or `#` (exact).
    @inline(__always) static func mayEndPlain(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard let base = b.baseAddress else { return true }
        let w = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self)
        return ByteWord.matches(w, 0x0A) | ByteWord.matches(w, 0x20) | ByteWord.matches(w, 0x09)
            | ByteWord.matches(w, 0x3A) | ByteWord.matches(w, 0x23) != 0
    }

    /// Continues a plain scalar whose first line is `first..<firstEnd` over the lines that
    /// follow, if they are indented more than `n` and are not comments, document markers or
    /// (in flow context) flow indicators. Line breaks fold to a space, empty lines to `\n`.
    /// Leaves `pos` after the last line's text.
    mutating func parsePlainContinuation(first: Int, firstEnd: Int, start: State,
                                         blockIndent n: Int, flow: Bool) throws(YAMLError) -> Int {
        // Folded lines are written to the arena (taken out of `self` while they are, so the
        // appends do not copy it).
        var buffer: [UInt8]? = nil
        var arenaStart = 0
        while true {
            var i = pos
            while i < end && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
            guard i < end && b[i] == 0x0A else { break }
            let saved = state
            pos = i
            consumeNewline()
            var emptyLines = 0
            var continues = false
            while true {
                var j = pos
                while j < end && b[j] == 0x20 { j += 1 }
                let spaces = j - pos
                while j < end && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
                let d = byte(at: j)
                if d == 0x0A { emptyLines += 1; pos = j; consumeNewline(); continue }
                if d == 0 { break }
                if spaces <= n { break }
                if spaces == 0 && isDocumentMarker(at: lineStart) { break }
                if d == 0x23 { break }
                if flow && Parser.isFlowIndicator(d) { break }
                if d == 0x3A && (Parser.isBlank(byte(at: j + 1)) || (flow && Parser.isFlowIndicator(byte(at: j + 1)))) { break }
                pos = j
                continues = true
                break
            }
            guard continues else { restore(saved); break }
            let (s2, e2) = scanPlainLine(flow: flow)
            if buffer == nil {
                var taken: [UInt8] = []
                swap(&taken, &arena)
                arenaStart = taken.count
                taken.append(contentsOf: UnsafeBufferPointer(rebasing: b[first..<firstEnd]))
                buffer = taken
            }
            if emptyLines == 0 {
                buffer?.append(0x20)
            } else {
                buffer?.append(contentsOf: repeatElement(0x0A, count: emptyLines))
            }
            buffer?.append(contentsOf: UnsafeBufferPointer(rebasing: b[s2..<e2]))
        }
        if var buffer {
            swap(&buffer, &arena)
            return try scalar(arenaFrom: arenaStart, .plain, at: start)
        }
        return try scalar(from: first, to: firstEnd, .plain, at: start)
    }

    // MARK: Quoted scalars

    /// A single- or double-quoted scalar at `pos`, possibly over several lines, whose lines
    /// must be indented more than the enclosing block's `n`. Leaves `pos` after the closing quote.
    mutating func parseQuotedScalar(blockIndent n: Int) throws(YAMLError) -> Int {
        let start = state
        let quote = peek()
        let double = quote == 0x22
        pos += 1
        // The value is written to the arena (taken out of `self` meanwhile); if it turns out to
        // be the text between the quotes as it is, the text's range is stored instead.
        var out: [UInt8] = []
        swap(&out, &arena)
        let arenaStart = out.count
        var verbatim = true
        var segment = pos
        func flush(_ p: Parser, _ out: inout [UInt8], _ from: Int) {
            if p.pos > from { out.append(contentsOf: UnsafeBufferPointer(rebasing: p.b[from..<p.pos])) }
        }
        while true {
            guard pos < end else {
                throw error(double ? "unterminated double-quoted scalar" : "unterminated single-quoted scalar", at: start)
            }
            let c = b[pos]
            if c == quote {
                if !double && peek(1) == 0x27 {
                    verbatim = false
                    pos += 1
                    flush(self, &out, segment)
                    pos += 1
                    segment = pos
                    continue
                }
                flush(self, &out, segment)
                pos += 1
                break
            } else if c == 0x5C && double {
                verbatim = false
                flush(self, &out, segment)
                try parseEscape(into: &out, blockIndent: n, start: start)
                segment = pos
            } else if c == 0x20 || c == 0x09 {
                var j = pos
                while j < end && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
                if j < end && b[j] == 0x0A {
                    verbatim = false
                    flush(self, &out, segment)
                    pos = j
                    try foldQuotedLines(into: &out, blockIndent: n, start: start, escaped: false)
                    segment = pos
                } else {
                    pos = j
                }
            } else if c == 0x0A {
                verbatim = false
                flush(self, &out, segment)
                try foldQuotedLines(into: &out, blockIndent: n, start: start, escaped: false)
                segment = pos
            } else {
                pos += 1
            }
        }
        let style: ScalarStyle = double ? .doubleQuoted : .singleQuoted
        if verbatim {
            out.removeSubrange(arenaStart...)
            swap(&out, &arena)
            return try scalar(from: start.pos + 1, to: pos - 1, style, at: start)
        }
        swap(&out, &arena)
        return try scalar(arenaFrom: arenaStart, style, at: start)
    }

    /// At a line break inside a quoted scalar: a single break folds to a space, each empty
    /// line gives `\n`; after an escaped break (`\` at the line end) nothing is added for the
    /// break itself. Leading white space of the next line is dropped.
    mutating func foldQuotedLines(into out: inout [UInt8], blockIndent n: Int, start: State,
                                  escaped: Bool) throws(YAMLError) {
        consumeNewline()
        var breaks = 0
        while true {
            var j = pos
            while j < end && b[j] == 0x20 { j += 1 }
            let spaces = j - pos
            if spaces == 0 && isDocumentMarker(at: pos) {
                throw error("a document marker inside a quoted scalar (unterminated quote?)")
            }
            while j < end && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
            if j >= end {
                throw error(b[start.pos] == 0x22 ? "unterminated double-quoted scalar" : "unterminated single-quoted scalar", at: start)
            }
            if b[j] == 0x0A { breaks += 1; pos = j; consumeNewline(); continue }
            // YAML wants these lines indented more than the parent. libyaml also takes the
            // line that closes the quote at the parent's own indentation (real configs close a
            // quote there), which is not ambiguous; the YAML test suite agrees it is an error
            // for any other line, or after a tab. So exactly that line is allowed.
            if n >= 0 && spaces <= n {
                let closingLineAtParent = spaces == n && j == pos + spaces && closesQuote(onLineFrom: j, quote: b[start.pos])
                if !closingLineAtParent {
                    pos = j
                    throw error("the lines of a quoted scalar must be indented more than its parent (unterminated quote?)")
                }
            }
            pos = j
            break
        }
        if breaks == 0 {
            if !escaped { out.append(0x20) }
        } else {
            out.append(contentsOf: repeatElement(0x0A, count: breaks))
        }
    }

    /// A `\` escape in a double-quoted scalar, `pos` at the backslash.
    mutating func parseEscape(into out: inout [UInt8], blockIndent n: Int, start: State) throws(YAMLError) {
        let escapeState = state
        pos += 1
        let e = peek()
        pos += 1
        switch e {
        case 0x30: out.append(0)
        case 0x61: out.append(7)
        case 0x62: out.append(8)
        case 0x74, 0x09: out.append(9)
        case 0x6E: out.append(10)
        case 0x76: out.append(11)
        case 0x66: out.append(12)
        case 0x72: out.append(13)
        case 0x65: out.append(27)
        case 0x20: out.append(0x20)
        case 0x22: out.append(0x22)
        case 0x2F: out.append(0x2F)
        case 0x5C: out.append(0x5C)
        case 0x4E: InputDecoder.appendUTF8(0x85, to: &out)
        case 0x5F: InputDecoder.appendUTF8(0xA0, to: &out)
        case 0x4C: InputDecoder.appendUTF8(0x2028, to: &out)
        case 0x50: InputDecoder.appendUTF8(0x2029, to: &out)
        case 0x78, 0x75, 0x55:
            let digits = e == 0x78 ? 2 : e == 0x75 ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<digits {
                let h = peek()
                let v: UInt32
                switch h {
                case 0x30...0x39: v = UInt32(h - 0x30)
                case 0x61...0x66: v = UInt32(h - 0x61 + 10)
                case 0x41...0x46: v = UInt32(h - 0x41 + 10)
                default:
                    throw error("escape '\\\(Parser.describe(e))' needs \(digits) hexadecimal digits", at: escapeState)
                }
                value = value << 4 | v
                pos += 1
            }
            if value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) {
                throw error("escape gives U+\(String(value, radix: 16, uppercase: true)), which is not a Unicode scalar", at: escapeState)
            }
            InputDecoder.appendUTF8(value, to: &out)
        case 0x0A:
            pos -= 1
            try foldQuotedLines(into: &out, blockIndent: n, start: start, escaped: true)
        case 0:
            throw error("unterminated double-quoted scalar", at: start)
        default:
            throw error("invalid escape '\\\(Parser.describe(e))' in a double-quoted scalar", at: escapeState)
        }
    }

    /// True if the quote opened with `quote` closes on the line that starts at `from`.
    func closesQuote(onLineFrom from: Int, quote: UInt8) -> Bool {
        var i = from
        while i < end && b[i] != 0x0A {
            if quote == 0x22 && b[i] == 0x5C { i += 2; continue }
            if b[i] == quote {
                if quote == 0x27 && byte(at: i + 1) == 0x27 { i += 2; continue }
                return true
            }
            i += 1
        }
        return false
    }
}
