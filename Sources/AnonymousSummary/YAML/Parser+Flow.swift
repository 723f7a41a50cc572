extension Parser {
    /// A flow sequence `[…]` or flow mapping `{…}` at `pos`, possibly over several lines
    /// indented more than the enclosing block's `n`. Leaves `pos` after the closing bracket.
    mutating func parseFlowCollection(blockIndent n: Int) throws(YAMLError) -> Int {
        if peek() == 0x5B { return try parseFlowSequence(blockIndent: n) }
        return try parseFlowMapping(blockIndent: n)
    }

    /// White space, line breaks and comments between flow tokens; continuation lines must be
    /// indented more than `n`, and a document marker cannot appear.
    mutating func skipFlowWhitespace(blockIndent n: Int) throws(YAMLError) {
        while pos < end {
            let c = b[pos]
            if c == 0x20 || c == 0x09 {
                pos += 1
            } else if c == 0x23 {
                guard pos == lineStart || b[pos - 1] == 0x20 || b[pos - 1] == 0x09 else { return }
                while pos < end && b[pos] != 0x0A { pos += 1 }
            } else if c == 0x0A {
                consumeNewline()
                if isDocumentMarker(at: pos) {
                    throw error("a document marker inside a flow collection (missing ']' or '}'?)")
                }
                var j = pos
                while j < end && b[j] == 0x20 { j += 1 }
                let spaces = j - pos
                while j < end && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
                let d = byte(at: j)
                // Lines inside a flow collection are indented more than its parent; a line
                // that closes it may sit at the parent's indentation, as real configs do and
                // libyaml reads.
                let closes = d == 0x5D || d == 0x7D
                if d != 0x0A && d != 0x23 && d != 0 && n >= 0 && (spaces < n || (spaces == n && !closes)) {
                    pos = j
                    throw error("the lines of a flow collection must be indented more than its parent")
                }
            } else {
                return
            }
        }
    }

    /// One node inside a flow collection: a scalar or a nested collection.
    mutating func parseFlowNode(blockIndent n: Int) throws(YAMLError) -> Int {
        let start = state
        let c = peek()
        let next = peek(1)
        switch c {
        case 0x5B, 0x7B:
            return try parseFlowCollection(blockIndent: n)
        case 0x22, 0x27:
            return try parseQuotedScalar(blockIndent: n)
        case 0x26: throw error("anchors ('&') are not supported", .unsupported)
        case 0x2A: throw error("aliases ('*') are not supported", .unsupported)
        case 0x21: throw error("tags ('!') are not supported", .unsupported)
        case 0x7C, 0x3E: throw error("block scalars are not allowed inside a flow collection")
        case 0x3F where Parser.isBlank(next) || Parser.isFlowIndicator(next):
            throw error("complex mapping keys ('? ') are not supported", .unsupported)
        case 0x2D where Parser.isBlank(next) || Parser.isFlowIndicator(next),
             0x3A where Parser.isBlank(next) || Parser.isFlowIndicator(next):
            throw error("unexpected '\(Parser.describe(c))' in a flow collection")
        case 0x2C, 0x5D, 0x7D, 0x23, 0x25, 0x40, 0x60, 0:
            if c == 0 { throw error("unterminated flow collection") }
            throw error("unexpected '\(Parser.describe(c))' in a flow collection")
        default:
            let (first, firstEnd) = scanPlainLine(flow: true)
            return try parsePlainContinuation(first: first, firstEnd: firstEnd, start: start, blockIndent: n, flow: true)
        }
    }

    /// True at a `:` that separates a flow key from its value: followed by white space or a
    /// flow indicator, or directly after a quoted (JSON-like) key.
    func isFlowValueIndicator(afterQuotedKey: Bool) -> Bool {
        guard peek() == 0x3A else { return false }
        let d = peek(1)
        return afterQuotedKey || Parser.isBlank(d) || Parser.isFlowIndicator(d)
    }

    mutating func parseFlowSequence(blockIndent n: Int) throws(YAMLError) -> Int {
        try enterCollection()
        let start = state
        let sequence = try begin(FlatNode.sequence, at: start)
        pos += 1
        var items = 0
        while true {
            try skipFlowWhitespace(blockIndent: n)
            let c = peek()
            if c == 0x5D { pos += 1; break }
            if c == 0 { throw error("unterminated flow sequence (missing ']')", at: start) }
            let entryStart = state
            let node = try parseFlowNode(blockIndent: n)
            let keyEndLine = line
            let quoted = isQuotedOrCollection(node)
            let beforeSpace = state
            try skipFlowWhitespace(blockIndent: n)
            if isFlowValueIndicator(afterQuotedKey: quoted) {
                // A single-pair mapping `[key: value]`; its key must be on one line.
                guard isScalar(node) else {
                    throw error("collections as mapping keys are not supported", at: entryStart, .unsupported)
                }
                guard entryStart.line == keyEndLine && line == keyEndLine else {
                    restore(beforeSpace)
                    throw error("an implicit key must be on a single line", at: entryStart)
                }
                try checkImplicitKeyLength(entryStart.pos, beforeSpace.pos, at: entryStart)
                let colon = state
                pos += 1
                // The pair is a mapping, one level of nesting like any other (the depth limit
                // bounds the tree, not only the brackets).
                try enterCollection()
                let pair = try mapping(startingWith: node, at: entryStart)
                try skipFlowWhitespace(blockIndent: n)
                if peek() == 0x2C || peek() == 0x5D {
                    _ = try emptyScalar(at: colon)
                } else {
                    _ = try parseFlowNode(blockIndent: n)
                    try skipFlowWhitespace(blockIndent: n)
                }
                leaveCollection()
                finish(pair, count: 1)
            }
            items += 1
            let d = peek()
            if d == 0x2C { pos += 1; continue }
            if d == 0x5D { continue }
            if d == 0 { throw error("unterminated flow sequence (missing ']')", at: start) }
            if d == 0x3A { throw error("unexpected ':' in a flow sequence") }
            throw error("expected ',' or ']' in a flow sequence, found '\(Parser.describe(d))'")
        }
        leaveCollection()
        finish(sequence, count: items)
        return sequence
    }

    mutating func parseFlowMapping(blockIndent n: Int) throws(YAMLError) -> Int {
        try enterCollection()
        let start = state
        let mapping = try begin(FlatNode.mapping, at: start)
        pos += 1
        var pairs = 0
        var keys = beginKeys()
        while true {
            try skipFlowWhitespace(blockIndent: n)
            let c = peek()
            if c == 0x7D { pos += 1; break }
            if c == 0 { throw error("unterminated flow mapping (missing '}')", at: start) }
            if c == 0x3A && (Parser.isBlank(peek(1)) || Parser.isFlowIndicator(peek(1))) {
                throw error("mapping entries with an empty key are not supported", .unsupported)
            }
            let keyStart = state
            let key = try parseFlowNode(blockIndent: n)
            guard isScalar(key) else {
                throw error("collections as mapping keys are not supported", at: keyStart, .unsupported)
            }
            let keyEndLine = line
            let beforeSpace = state
            try skipFlowWhitespace(blockIndent: n)
            if isFlowValueIndicator(afterQuotedKey: isQuotedOrCollection(key)) {
                guard keyStart.line == keyEndLine && line == keyEndLine else {
                    restore(beforeSpace)
                    throw error("an implicit key must be on a single line", at: keyStart)
                }
                try checkImplicitKeyLength(keyStart.pos, beforeSpace.pos, at: keyStart)
                let colon = state
                pos += 1
                try skipFlowWhitespace(blockIndent: n)
                if peek() == 0x2C || peek() == 0x7D {
                    _ = try emptyScalar(at: colon)
                } else {
                    _ = try parseFlowNode(blockIndent: n)
                    try skipFlowWhitespace(blockIndent: n)
                }
            } else {
                guard keyStart.line == keyEndLine else {
                    throw error("an implicit key must be on a single line", at: keyStart)
                }
                _ = try emptyScalar(at: beforeSpace)
            }
            if !insertKey(key, into: &keys) {
                throw YAMLError(.duplicateKey, "duplicate key '\(valueString(key))' in this mapping", at: mark(of: keyStart))
            }
            pairs += 1
            let d = peek()
            if d == 0x2C { pos += 1; continue }
            if d == 0x7D { continue }
            if d == 0 { throw error("unterminated flow mapping (missing '}')", at: start) }
            throw error("expected ',' or '}' in a flow mapping, found '\(Parser.describe(d))'")
        }
        endKeys(keys)
        leaveCollection()
        finish(mapping, count: pairs)
        return mapping
    }

    func isQuotedOrCollection(_ node: Int) -> Bool { !isScalar(node) || isQuoted(node) }
}
