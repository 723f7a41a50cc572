extension Parser {
    /// A literal (`|`) or folded (`>`) block scalar at `pos`, with optional chomping (`-`, `+`)
    /// and indentation (`1`–`9`) indicators, inside a parent indented `n`. This is where
    /// Benthos configs keep Bloblang. Returns at the start of the first line after it.
    mutating func parseBlockScalar(parentIndent n: Int) throws(YAMLError) -> Int {
        let start = state
        let folded = peek() == 0x3E
        pos += 1
        var chomp = 0  // -1 strip, 0 clip, +1 keep
        var chompSet = false
        var explicit = 0
        for _ in 0..<2 {
            let c = peek()
            if c == 0x2D || c == 0x2B {
                if chompSet { throw error("two chomping indicators in a block scalar header") }
                chompSet = true
                chomp = c == 0x2D ? -1 : 1
                pos += 1
            } else if c >= 0x31 && c <= 0x39 {
                if explicit != 0 { throw error("two indentation indicators in a block scalar header") }
                explicit = Int(c - 0x30)
                pos += 1
            } else if c == 0x30 {
                throw error("a block scalar's indentation indicator must be 1 to 9")
            } else {
                break
            }
        }
        let c = peek()
        guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0 else {
            throw error("invalid block scalar header: unexpected '\(Parser.describe(c))'")
        }
        try expectLineEnd(after: "the block scalar header")

        var contentIndent: Int
        if explicit > 0 {
            guard n >= 0 else {
                throw error("an indentation indicator on a top-level block scalar is not supported (YAML implementations disagree on it)", at: start, .unsupported)
            }
            contentIndent = n + explicit
        } else {
            // The first non-empty line decides; empty lines before it may not be more indented.
            var head = pos
            var maxEmpty = 0
            var maxEmptyLine = line
            var scanLine = line
            var detected = -1
            while head < end {
                var k = head
                while k < end && b[k] == 0x20 { k += 1 }
                let spaces = k - head
                let d = byte(at: k)
                if d == 0x0A || d == 0 {
                    if spaces > maxEmpty { maxEmpty = spaces; maxEmptyLine = scanLine }
                    if d == 0 { break }
                    head = k + 1
                    scanLine += 1
                    continue
                }
                detected = spaces
                break
            }
            if detected < 0 {
                contentIndent = max(maxEmpty, n + 1)
            } else if detected <= n {
                contentIndent = n + 1
            } else {
                if maxEmpty > detected {
                    throw YAMLError(.syntax, "an empty line at the start of a block scalar is indented more than its first line",
                                    at: SourceMark(line: maxEmptyLine, column: 1))
                }
                contentIndent = detected
            }
            if contentIndent < 1 && n >= 0 { contentIndent = 1 }
        }

        // The content is written to the arena (taken out of `self` while it is).
        var out: [UInt8] = []
        swap(&out, &arena)
        let arenaStart = out.count
        var haveContent = false
        var previousSpaced = false
        var pendingEmpty = 0
        var lastLineHadBreak = false
        while pos < end {
            var k = pos
            while k < end && b[k] == 0x20 && k - pos < contentIndent { k += 1 }
            let spaces = k - pos
            let d = byte(at: k)
            if spaces < contentIndent {
                if d == 0x0A { pendingEmpty += 1; pos = k; consumeNewline(); continue }
                if d == 0 {
                    if k > pos { throw ambiguousLastLine() }
                    pos = k
                    break
                }
                if d == 0x09 {
                    pos = k
                    throw error("tab characters must not be used for indentation (in a block scalar)")
                }
                break  // a less indented line ends the scalar; pos stays at its start
            }
            if contentIndent == 0 && isDocumentMarker(at: pos) { break }
            var e = k
            while e < end && b[e] != 0x0A { e += 1 }
            if e == k {
                // Only spaces, as many as the indentation: an empty line.
                pos = e
                guard pos < end else { throw ambiguousLastLine() }
                pendingEmpty += 1
                consumeNewline()
                continue
            }
            let spaced = b[k] == 0x20 || b[k] == 0x09
            if haveContent {
                if folded && !spaced && !previousSpaced {
                    if pendingEmpty == 0 { out.append(0x20) } else { out.append(contentsOf: repeatElement(0x0A, count: pendingEmpty)) }
                } else {
                    out.append(contentsOf: repeatElement(0x0A, count: pendingEmpty + 1))
                }
            } else {
                out.append(contentsOf: repeatElement(0x0A, count: pendingEmpty))
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[k..<e]))
            haveContent = true
            previousSpaced = spaced
            pendingEmpty = 0
            // A last line without a line break has none to keep (YAML 1.2 `b-chomped-last`).
            pos = e
            if pos < end {
                consumeNewline()
                lastLineHadBreak = true
            } else {
                if !b[k..<e].contains(where: { $0 != 0x20 && $0 != 0x09 }) { throw ambiguousLastLine() }
                lastLineHadBreak = false
            }
        }
        if haveContent {
            switch chomp {
            case -1: break
            case 0: if lastLineHadBreak { out.append(0x0A) }
            default: out.append(contentsOf: repeatElement(0x0A, count: (lastLineHadBreak ? 1 : 0) + pendingEmpty))
            }
        } else if chomp == 1 {
            out.append(contentsOf: repeatElement(0x0A, count: pendingEmpty))
        }
        if pos < end { pos = lineStart }
        swap(&out, &arena)
        return try scalar(arenaFrom: arenaStart, folded ? .folded : .literal, at: start)
    }

    /// The YAML test suite reads a last line of only white space without a line break as
    /// ending in one; PyYAML (libyaml) does not. Rather than pick one, refuse.
    func ambiguousLastLine() -> YAMLError {
        error("a block scalar ending in a line of only white space without a final line break is read differently by YAML implementations; end the file with a line break", .unsupported)
    }
}
