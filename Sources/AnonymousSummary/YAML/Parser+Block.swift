extension Parser {
    /// A block node whose first character is at `pos`, inside a parent indented `parentIndent`
    /// (-1 at the top of a document). A block collection may start here only at the start of
    /// a line or after `- ` (`collectionAllowed`); after `key: ` only a scalar or a flow
    /// collection can. Returns at the start of the line after the node.
    mutating func parseBlockNode(parentIndent n: Int, collectionAllowed: Bool) throws(YAMLError) -> Int {
        let start = state
        let column = pos - lineStart
        let c = peek()
        let next = peek(1)
        switch c {
        case 0x2D where Parser.isBlank(next):  // "- "
            guard collectionAllowed else {
                throw error("a block sequence cannot start here (after a key on the same line, or after a tab)")
            }
            return try parseBlockSequence(indent: column)
        case 0x3F where Parser.isBlank(next):  // "? "
            throw error("complex mapping keys ('? ') are not supported", .unsupported)
        case 0x3A where Parser.isBlank(next):  // ": "
            throw error("mapping entries with an empty key are not supported", .unsupported)
        case 0x26:
            throw error("anchors ('&') are not supported", .unsupported)
        case 0x2A:
            throw error("aliases ('*') are not supported", .unsupported)
        case 0x21:
            throw error("tags ('!') are not supported", .unsupported)
        case 0x7C, 0x3E:  // | >
            return try parseBlockScalar(parentIndent: n)
        case 0x5B, 0x7B:  // [ {
            let node = try parseFlowCollection(blockIndent: n)
            skipSpaceTab()
            if peek() == 0x3A {
                throw error("collections as mapping keys are not supported", at: start, .unsupported)
            }
            try expectLineEnd(after: "the flow collection")
            return node
        case 0x22, 0x27:  // " '
            let node = try parseQuotedScalar(blockIndent: n)
            let singleLine = line == start.line
            skipSpaceTab()
            if peek() == 0x3A && (Parser.isBlank(peek(1))) {
                guard singleLine else { throw error("an implicit key must be on a single line", at: start) }
                guard collectionAllowed else {
                    throw error("mapping values are not allowed here (a mapping cannot start on the line of its parent key)")
                }
                return try parseBlockMapping(indent: column, firstKey: node, keyStart: start)
            }
            try expectLineEnd(after: "the quoted scalar")
            return node
        case 0x25, 0x40, 0x60:  // % @ `
            throw error("'\(Parser.describe(c))' cannot start a plain scalar; quote the value")
        case 0x2C, 0x5D, 0x7D:
            throw error("unexpected '\(Parser.describe(c))'")
        case 0x23:
            throw error("unexpected comment")
        default:
            let (first, firstEnd) = scanPlainLine(flow: false)
            if peek() == 0x3A && Parser.isBlank(peek(1)) {
                guard collectionAllowed else {
                    throw error("mapping values are not allowed here (a mapping cannot start on the line of its parent key)")
                }
                try checkImplicitKeyLength(start.pos, firstEnd, at: start)
                let key = try scalar(from: first, to: firstEnd, .plain, at: start)
                return try parseBlockMapping(indent: column, firstKey: key, keyStart: start)
            }
            let node = try parsePlainContinuation(first: first, firstEnd: firstEnd, start: start, blockIndent: n, flow: false)
            if peek() == 0x3A {
                throw error("mapping values are not allowed here (an implicit key must be on a single line)")
            }
            try expectLineEnd(after: "the plain scalar")
            return node
        }
    }

    /// YAML limits an implicit key to 1024 Unicode characters (not bytes).
    func checkImplicitKeyLength(_ from: Int, _ to: Int, at s: State) throws(YAMLError) {
        guard to - from > 1024 else { return }
        var characters = 0
        for i in from..<min(to, end) where b[i] & 0xC0 != 0x80 { characters += 1 }
        if characters > 1024 { throw error("an implicit key is longer than 1024 characters", at: s) }
    }

    /// The value after `key:` (with `pos` just after the colon) of a mapping indented `m`.
    mutating func parseMappingValue(mappingIndent m: Int) throws(YAMLError) -> Int {
        let colon = State(pos: pos - 1, line: line, lineStart: lineStart)
        skipSpaceTab()
        let c = peek()
        if c == 0x23 || c == 0x0A || c == 0 {
            return try parseNodeOnFollowingLines(parentIndent: m, sequenceAtParentIndent: true, emptyAt: colon)
        }
        return try parseBlockNode(parentIndent: m, collectionAllowed: false)
    }

    /// A node that starts on a later line (after `key:` or `- ` or `---` and an optional
    /// comment), or an empty node if the next content line belongs to the parent. A block
    /// sequence may sit at the parent's own indentation when it is a mapping's value.
    mutating func parseNodeOnFollowingLines(parentIndent n: Int, sequenceAtParentIndent: Bool,
                                            emptyAt emptyState: State) throws(YAMLError) -> Int {
        try expectLineEnd(after: "the indicator")
        skipBlankAndCommentLines()
        if pos >= end || isDocumentMarker(at: pos) {
            return try emptyScalar(at: emptyState)
        }
        let i = indentOfLine()
        let first = byte(at: lineStart + i)
        if i > n || (i == n && sequenceAtParentIndent && first == 0x2D && Parser.isBlank(byte(at: lineStart + i + 1))) {
            pos = lineStart + i
            if first == 0x09 { throw error("tab characters must not be used for indentation") }
            return try parseBlockNode(parentIndent: n, collectionAllowed: true)
        }
        return try emptyScalar(at: emptyState)
    }

    /// A block mapping whose keys sit at column `m`; the first key is read, `pos` is at or
    /// before its `:`. Returns at the start of the first line that is not part of it.
    mutating func parseBlockMapping(indent m: Int, firstKey: Int, keyStart: State) throws(YAMLError) -> Int {
        try enterCollection()
        let start = keyStart
        let mapping = try self.mapping(startingWith: firstKey, at: start)
        var pairs = 0
        var keys = beginKeys()
        var key = mapping + 1
        var currentKeyState = keyStart
        while true {
            skipSpaceTab()
            // pos is at the ':' that follows the key
            pos += 1
            if !insertKey(key, into: &keys) {
                throw YAMLError(.duplicateKey, "duplicate key '\(valueString(key))' in this mapping",
                                at: mark(of: currentKeyState))
            }
            _ = try parseMappingValue(mappingIndent: m)
            pairs += 1

            skipBlankAndCommentLines()
            if pos >= end || isDocumentMarker(at: pos) { break }
            let i = indentOfLine()
            if byte(at: lineStart + i) == 0x09 && i >= m {
                pos = lineStart + i
                throw error("tab characters must not be used for indentation")
            }
            if i < m { break }
            pos = lineStart + i
            if i > m { throw error("bad indentation: expected a key at column \(m + 1) or less") }
            currentKeyState = state
            key = try parseBlockMappingKey()
        }
        if pos < end { pos = lineStart }
        endKeys(keys)
        leaveCollection()
        finish(mapping, count: pairs)
        return mapping
    }

    /// A key of a block mapping at `pos`, up to (not including) its `:`.
    mutating func parseBlockMappingKey() throws(YAMLError) -> Int {
        let start = state
        let c = peek()
        let next = peek(1)
        switch c {
        case 0x2D where Parser.isBlank(next):
            throw error("a sequence entry is not allowed here: expected a mapping key")
        case 0x3F where Parser.isBlank(next):
            throw error("complex mapping keys ('? ') are not supported", .unsupported)
        case 0x3A where Parser.isBlank(next):
            throw error("mapping entries with an empty key are not supported", .unsupported)
        case 0x26: throw error("anchors ('&') are not supported", .unsupported)
        case 0x2A: throw error("aliases ('*') are not supported", .unsupported)
        case 0x21: throw error("tags ('!') are not supported", .unsupported)
        case 0x5B, 0x7B: throw error("collections as mapping keys are not supported", .unsupported)
        case 0x7C, 0x3E: throw error("a block scalar cannot be a mapping key")
        case 0x25, 0x40, 0x60, 0x2C, 0x5D, 0x7D:
            throw error("'\(Parser.describe(c))' cannot start a mapping key; quote the key")
        case 0x22, 0x27:
            let key = try parseQuotedScalar(blockIndent: -1)
            guard line == start.line else { throw error("an implicit key must be on a single line", at: start) }
            try checkImplicitKeyLength(start.pos, pos, at: start)
            skipSpaceTab()
            guard peek() == 0x3A && Parser.isBlank(peek(1)) else {
                throw error("expected ':' after the mapping key")
            }
            return key
        default:
            let (first, firstEnd) = scanPlainLine(flow: false)
            guard peek() == 0x3A && Parser.isBlank(peek(1)) else {
                pos = firstEnd
                throw error("expected ':' after a mapping key (or this line is indented wrongly)", at: start)
            }
            try checkImplicitKeyLength(first, firstEnd, at: start)
            return try scalar(from: first, to: firstEnd, .plain, at: start)
        }
    }

    /// A block sequence whose `-` indicators sit at column `s`; `pos` is at the first `-`.
    mutating func parseBlockSequence(indent s: Int) throws(YAMLError) -> Int {
        try enterCollection()
        let start = state
        let sequence = try begin(FlatNode.sequence, at: start)
        var items = 0
        while true {
            let dash = state
            pos += 1
            var sawTab = false
            while peek() == 0x20 || peek() == 0x09 {
                if peek() == 0x09 { sawTab = true }
                pos += 1
            }
            let c = peek()
            if c == 0x23 || c == 0x0A || c == 0 {
                _ = try parseNodeOnFollowingLines(parentIndent: s, sequenceAtParentIndent: false, emptyAt: dash)
            } else {
                _ = try parseBlockNode(parentIndent: s, collectionAllowed: !sawTab)
            }
            items += 1
            skipBlankAndCommentLines()
            if pos >= end || isDocumentMarker(at: pos) { break }
            let i = indentOfLine()
            if byte(at: lineStart + i) == 0x09 && i >= s {
                pos = lineStart + i
                throw error("tab characters must not be used for indentation")
            }
            if i < s { break }
            pos = lineStart + i
            if i > s { throw error("bad indentation: expected '- ' at column \(s + 1) or less") }
            guard peek() == 0x2D && Parser.isBlank(peek(1)) else { break }
        }
        if pos < end { pos = lineStart }
        leaveCollection()
        finish(sequence, count: items)
        return sequence
    }
}

/// The keys of one mapping, by node, to refuse duplicates, compared as bytes (no `String`).
/// Linear for the small mappings configs are made of, on the parser's shared `keyScratch`
/// (from `base`); past `smallLimit` keys, open addressing over node numbers with their hashes,
/// 8 bytes a slot, owned by this set.
struct KeySet {
    static let smallLimit = 12
    let base: Int
    private var slots: [Int32] = []
    private var hashes: [UInt32] = []
    private var count = 0

    init(base: Int) { self.base = base }

    /// True once the keys are in the hash table (`insert`), not on the scratch buffer.
    var isHashed: Bool { !slots.isEmpty }

    /// Moves the small set's keys into a new hash table.
    mutating func hash(_ keys: ArraySlice<Int32>, _ hash: (Int) -> UInt32) {
        grow(to: 64)
        for k in keys { place(Int(k), hash(Int(k))) }
    }

    /// For a hashed set: false if a key equal to `key` was already there.
    /// `h`: the key's hash; `equal`: whether a key already in the set equals it.
    mutating func insert(_ key: Int, hash h: UInt32, equal: (Int) -> Bool) -> Bool {
        let mask = slots.count - 1
        var i = Int(h) & mask
        while slots[i] >= 0 {
            if hashes[i] == h && equal(Int(slots[i])) { return false }
            i = (i + 1) & mask
        }
        slots[i] = Int32(key)
        hashes[i] = h
        count += 1
        if count * 2 > slots.count {
            let old = zip(slots, hashes).filter { $0.0 >= 0 }
            grow(to: slots.count * 2)
            for (k, h) in old { place(Int(k), h) }
        }
        return true
    }

    private mutating func grow(to capacity: Int) {
        slots = [Int32](repeating: -1, count: capacity)
        hashes = [UInt32](repeating: 0, count: capacity)
        count = 0
    }

    private mutating func place(_ key: Int, _ h: UInt32) {
        let mask = slots.count - 1
        var i = Int(h) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = Int32(key)
        hashes[i] = h
        count += 1
    }
}
