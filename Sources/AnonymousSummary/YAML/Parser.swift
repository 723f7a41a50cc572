/// The YAML subset parser over validated UTF-8 (see `InputDecoder`).
///
/// One pass, no token queue: each construct is read by a method named for it
/// (`Parser+Block.swift`, `Parser+BlockScalar.swift`, `Parser+Flow.swift`,
/// `Parser+Scalars.swift`). Reading past the end yields 0, which cannot occur in the input
/// (NUL is refused by the decoder), so every look-ahead is safe without bounds checks.
struct Parser {
    let b: UnsafeBufferPointer<UInt8>
    let end: Int
    let limits: YAMLLimits
    var pos = 0
    /// 1-based number of the line holding `pos`.
    var line = 1
    /// Offset of the first byte of the line holding `pos`.
    var lineStart = 0
    var depth = 0
    var nodeCount = 0
    /// The nodes read so far, in document order, and the values that are not verbatim text.
    var store = NodeStore()
    var arena: [UInt8] = []
    /// The last mark computed (see `mark(_:line:lineStart:)`).
    let columnCache = ColumnCache()

    /// (Also holds `keyScratch`: the parser is copied whole by some calls, so what it does not
    /// need inline lives here, keeping it under 128 bytes.)
    final class ColumnCache {
        var lineStart = -1
        var offset = 0
        var column = 1
        /// The keys of the small mappings being read, innermost last (see `KeySet`): one
        /// buffer for the whole parse, so a mapping costs no allocation.
        @exclusivity(unchecked) var keys: [Int32] = []
    }

    var keyScratch: [Int32] {
        get { columnCache.keys }
        nonmutating _modify { yield &columnCache.keys }
    }

    struct State {
        var pos: Int
        var line: Int
        var lineStart: Int
    }

    init(_ buffer: UnsafeBufferPointer<UInt8>, limits: YAMLLimits) {
        self.b = buffer
        self.end = buffer.count
        self.limits = limits
        // Real configs make a node per several bytes; more than one per two bytes is rare.
        store.expect(buffer.count / 2 + 8)
    }

    // MARK: Looking at bytes

    @inline(__always) func peek(_ k: Int = 0) -> UInt8 {
        let i = pos + k
        return i < end ? b[i] : 0
    }

    @inline(__always) func byte(at i: Int) -> UInt8 { i < end ? b[i] : 0 }

    var state: State { State(pos: pos, line: line, lineStart: lineStart) }

    mutating func restore(_ s: State) {
        pos = s.pos; line = s.line; lineStart = s.lineStart
    }

    /// Consumes the `\n` at `pos`.
    @inline(__always) mutating func consumeNewline() {
        pos += 1
        line += 1
        lineStart = pos
    }

    // MARK: Marks and errors

    /// The mark of a byte on the current line (or of a saved state's line).
    ///
    /// Columns count Unicode scalars, so they are counted, not subtracted. Counting from the
    /// line's start each time made a long single-line flow collection quadratic (a hostile
    /// input); instead the count resumes from the last mark computed on the same line, in
    /// either direction, so the cost is the distance between successive marks.
    func mark(_ offset: Int, line: Int, lineStart: Int) -> SourceMark {
        let cache = columnCache
        var from = lineStart
        var column = 1
        if cache.lineStart == lineStart && abs(offset - cache.offset) < offset - lineStart {
            from = cache.offset
            column = cache.column
        }
        var i = from
        while i < offset {
            if b[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        while i > offset {
            i -= 1
            if b[i] & 0xC0 != 0x80 { column -= 1 }
        }
        cache.lineStart = lineStart
        cache.offset = offset
        cache.column = column
        return SourceMark(line: line, column: column)
    }

    var here: SourceMark { mark(pos, line: line, lineStart: lineStart) }

    func mark(of s: State) -> SourceMark { mark(s.pos, line: s.line, lineStart: s.lineStart) }

    func error(_ message: String, _ kind: YAMLError.Kind = .syntax) -> YAMLError {
        YAMLError(kind, message, at: here)
    }

    func error(_ message: String, at s: State, _ kind: YAMLError.Kind = .syntax) -> YAMLError {
        YAMLError(kind, message, at: mark(of: s))
    }

    // MARK: Limits

    mutating func countNode() throws(YAMLError) {
        nodeCount += 1
        if nodeCount > limits.maxNodes {
            throw error("more than \(limits.maxNodes) nodes (limit)", .limit)
        }
    }

    mutating func enterCollection() throws(YAMLError) {
        depth += 1
        if depth > limits.maxDepth {
            throw error("collections nested more than \(limits.maxDepth) deep (limit)", .limit)
        }
    }

    mutating func leaveCollection() { depth -= 1 }

    // MARK: Character classes

    /// Space, tab, line end or end of input.
    @inline(__always) static func isBlank(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0
    }

    @inline(__always) static func isFlowIndicator(_ c: UInt8) -> Bool {
        c == 0x2C || c == 0x5B || c == 0x5D || c == 0x7B || c == 0x7D
    }

    // MARK: Lines

    mutating func skipSpaceTab() {
        while true {
            let c = peek()
            if c == 0x20 || c == 0x09 { pos += 1 } else { return }
        }
    }

    /// Number of spaces at the start of the current line (`pos` must be its start).
    func indentOfLine() -> Int {
        var i = lineStart
        while i < end && b[i] == 0x20 { i += 1 }
        return i - lineStart
    }

    /// From the start of a line, skips lines that hold only white space or a comment, and
    /// stops at the start of the next line with content (or at the end of input).
    mutating func skipBlankAndCommentLines() {
        while pos < end {
            var i = pos
            while i < end && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
            if i >= end { pos = end; return }
            if b[i] == 0x0A { pos = i; consumeNewline(); continue }
            if b[i] == 0x23 {
                while i < end && b[i] != 0x0A { i += 1 }
                pos = i
                if pos < end { consumeNewline() }
                continue
            }
            return
        }
    }

    /// After a node's last content on a line: allows white space and a comment, then the
    /// line end, and leaves `pos` at the start of the next line.
    mutating func expectLineEnd(after what: String) throws(YAMLError) {
        skipSpaceTab()
        let c = peek()
        if c == 0x23 {
            guard pos == lineStart || b[pos - 1] == 0x20 || b[pos - 1] == 0x09 else {
                throw error("a comment needs white space before '#'")
            }
            while pos < end && b[pos] != 0x0A { pos += 1 }
        }
        if pos >= end { return }
        guard b[pos] == 0x0A else {
            if b[pos] == 0x3A { throw error("mapping values are not allowed here (a key must be alone on its line, or quote the value)") }
            throw error("unexpected '\(Parser.describe(b[pos]))' after \(what)")
        }
        consumeNewline()
    }

    /// `---` or `...` at the start of the current line, followed by white space or the end.
    func isDocumentMarker(at i: Int) -> Bool {
        guard i == lineStart, i + 2 < end || i + 3 <= end else { return false }
        let c = byte(at: i)
        guard (c == 0x2D || c == 0x2E) && byte(at: i + 1) == c && byte(at: i + 2) == c else { return false }
        return Parser.isBlank(byte(at: i + 3))
    }

    static func describe(_ c: UInt8) -> String {
        switch c {
        case 0: return "end of input"
        case 0x0A: return "line end"
        case 0x09: return "tab"
        case 0x20..<0x7F: return String(UnicodeScalar(c))
        default: return "non-ASCII character"
        }
    }

    // MARK: Nodes

    /// A scalar whose value is the text `from..<to` as it is.
    mutating func scalar(from: Int, to: Int, _ style: ScalarStyle, at s: State) throws(YAMLError) -> Int {
        try countNode()
        return store.append(FlatNode(kind: FlatNode.code(style), offset: s.pos, a: from, b: to - from))
    }

    /// An empty plain scalar (a null), marked at `s`.
    mutating func emptyScalar(at s: State) throws(YAMLError) -> Int {
        try scalar(from: s.pos, to: s.pos, .plain, at: s)
    }

    /// A scalar whose value is `arena[from...]` (decoded escapes, folded lines, a block
    /// scalar's content).
    mutating func scalar(arenaFrom from: Int, _ style: ScalarStyle, at s: State) throws(YAMLError) -> Int {
        try countNode()
        return store.append(FlatNode(kind: FlatNode.code(style) | FlatNode.inArena, offset: s.pos, a: from, b: arena.count - from))
    }

    /// Opens a collection at `s`; `finish` closes it once its children are stored.
    mutating func begin(_ kind: UInt8, at s: State) throws(YAMLError) -> Int {
        try countNode()
        return store.append(FlatNode(kind: kind, offset: s.pos, a: 0, b: 0))
    }

    mutating func finish(_ collection: Int, count: Int) {
        var node = store[collection]
        node.a = UInt32(store.count)
        node.b = UInt32(count)
        store[collection] = node
    }

    /// Turns the scalar just stored at `key` into the first key of a new mapping that starts
    /// there (a mapping is known only once its first key is read): the mapping takes the key's
    /// place, the key follows it. Returns the mapping.
    mutating func mapping(startingWith key: Int, at s: State) throws(YAMLError) -> Int {
        try countNode()
        let keyNode = store[key]
        store[key] = FlatNode(kind: FlatNode.mapping, offset: s.pos, a: 0, b: 0)
        _ = store.append(keyNode)
        return key
    }

    func isScalar(_ i: Int) -> Bool { store[i].kind < FlatNode.sequence }

    func isQuoted(_ i: Int) -> Bool {
        let k = store[i].kind & ~FlatNode.inArena
        return k == 1 || k == 2
    }

    /// The bytes of scalar `i`'s value, valid only during `body`.
    func withValue<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let node = store[i]
        let range = Int(node.a)..<(Int(node.a) + Int(node.b))
        if node.kind & FlatNode.inArena != 0 {
            return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
        }
        return body(UnsafeBufferPointer(rebasing: b[range]))
    }

    func valueString(_ i: Int) -> String { withValue(i) { String(decoding: $0, as: UTF8.self) } }

    /// A key set for a mapping starting now (its keys go on `keyScratch` past the enclosing
    /// mappings' keys); give it back with `endKeys` when the mapping ends.
    func beginKeys() -> KeySet { KeySet(base: keyScratch.count) }

    /// Adds mapping key `i` to `keys`; false if an equal key is there already.
    mutating func insertKey(_ i: Int, into keys: inout KeySet) -> Bool {
        if keys.isHashed { return keys.insert(i, hash: keyHash(i)) { keysEqual($0, i) } }
        var k = keys.base
        while k < keyScratch.count {
            if keysEqual(Int(keyScratch[k]), i) { return false }
            k += 1
        }
        keyScratch.append(Int32(i))
        if keyScratch.count - keys.base > KeySet.smallLimit {
            keys.hash(keyScratch[keys.base...]) { keyHash($0) }
            keyScratch.removeSubrange(keys.base...)
        }
        return true
    }

    // The key helpers are `mutating` only so that `self` is passed by reference: called from
    // mutating code, a non-mutating method may get a copy of the whole parser (over 100 bytes).

    /// True if nodes `a` and `b` have the same value, byte for byte.
    mutating func keysEqual(_ a: Int, _ b: Int) -> Bool {
        let x = store[a], y = store[b]
        guard x.b == y.b else { return false }  // lengths first
        let text = self.b
        return arena.withUnsafeBufferPointer { arena in
            let p = x.kind & FlatNode.inArena != 0 ? arena : text
            let q = y.kind & FlatNode.inArena != 0 ? arena : text
            let n = Int(x.b)
            var i = 0
            while i < n && p[Int(x.a) + i] == q[Int(y.a) + i] { i += 1 }
            return i == n
        }
    }

    /// FNV-1a of node `key`'s value, folded.
    mutating func keyHash(_ key: Int) -> UInt32 {
        let node = store[key]
        let text = self.b
        return arena.withUnsafeBufferPointer { arena in
            let p = node.kind & FlatNode.inArena != 0 ? arena : text
            var h: UInt32 = 0x811C_9DC5
            for i in Int(node.a)..<(Int(node.a) + Int(node.b)) { h = (h ^ UInt32(p[i])) &* 0x0100_0193 }
            return h ^ (h >> 15)
        }
    }

    /// The mapping of `keys` has ended: its keys leave the scratch buffer.
    mutating func endKeys(_ keys: KeySet) {
        if keyScratch.count > keys.base { keyScratch.removeSubrange(keys.base...) }
    }

    func string(_ start: Int, _ stop: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[start..<stop]), as: UTF8.self)
    }
}

