/// A parsed YAML stream, flat: every node of every document in one store, in document order
/// (a node, then its children), 12 bytes a node; scalar values as byte ranges of the input,
/// or, when the YAML text is not the value itself (escapes, folded lines, block scalars'
/// indentation), of one side buffer no larger than the input. No `String` and no array per
/// node: memory is bounded by the input (the summarise path reads this directly; `YAMLNode`
/// is built from it only for `parse`, `explain`-style tools and the tests).
///
/// A node's mark is its byte offset; line and column are computed when asked (and cached, so a
/// document is not `Sendable`: use it on one task, as the summariser does).
public struct YAMLDocument {
    /// A node of this document.
    public struct Node: Hashable, Sendable, Comparable {
        public let index: Int
        init(_ index: Int) { self.index = index }
        public static func < (a: Node, b: Node) -> Bool { a.index < b.index }
    }

    public enum Kind: Sendable, Equatable {
        case scalar(ScalarStyle)
        case sequence
        case mapping
    }

    /// The text parsed (validated UTF-8, `\n` line ends).
    public let text: [UInt8]
    var store: NodeStore
    var arena: [UInt8]
    /// The root of each document of the stream, in order.
    public let roots: [Node]
    private let lines: LineIndex

    init(text: [UInt8], store: NodeStore, arena: [UInt8], roots: [Int]) {
        self.text = text
        self.store = store
        self.arena = arena
        self.roots = roots.map(Node.init)
        self.lines = LineIndex()
    }

    public var nodeCount: Int { store.count }

    // MARK: Reading nodes

    public func kind(_ n: Node) -> Kind {
        let k = store[n.index].kind
        switch k {
        case FlatNode.sequence: return .sequence
        case FlatNode.mapping: return .mapping
        default: return .scalar(FlatNode.style(k))
        }
    }

    public func isScalar(_ n: Node) -> Bool { store[n.index].kind < FlatNode.sequence }
    public func isSequence(_ n: Node) -> Bool { store[n.index].kind == FlatNode.sequence }
    public func isMapping(_ n: Node) -> Bool { store[n.index].kind == FlatNode.mapping }

    /// The node after `n` and all its descendants: its next sibling, if it has one.
    @inline(__always) func subtreeEnd(_ i: Int) -> Int { store.subtreeEnd(i) }

    /// Items of a sequence, or keys and values alternating for a mapping (empty for a scalar).
    public func children(_ n: Node) -> Children {
        let node = store[n.index]
        guard node.kind >= FlatNode.sequence else { return Children(store: store, first: n.index + 1, count: 0) }
        return Children(store: store, first: n.index + 1, count: Int(node.b) * (node.kind == FlatNode.mapping ? 2 : 1))
    }

    /// Children in order, each found after the previous one's subtree.
    public struct Children: Sequence {
        let store: NodeStore
        let first: Int
        public let count: Int

        public func makeIterator() -> Iterator { Iterator(store: store, cursor: first, left: count) }

        public struct Iterator: IteratorProtocol {
            let store: NodeStore
            var cursor: Int
            var left: Int
            public mutating func next() -> Node? {
                guard left > 0 else { return nil }
                left -= 1
                let node = Node(cursor)
                cursor = store.subtreeEnd(cursor)
                return node
            }
        }
    }

    /// The pairs of a mapping, in document order (empty for anything else).
    public func pairs(_ n: Node) -> Pairs {
        let node = store[n.index]
        guard node.kind == FlatNode.mapping else { return Pairs(store: store, first: n.index + 1, count: 0) }
        return Pairs(store: store, first: n.index + 1, count: Int(node.b))
    }

    /// A mapping's children taken two at a time.
    public struct Pairs: Sequence {
        let store: NodeStore
        let first: Int
        public let count: Int

        public func makeIterator() -> Iterator {
            Iterator(children: Children(store: store, first: first, count: count * 2).makeIterator())
        }

        public struct Iterator: IteratorProtocol {
            var children: Children.Iterator
            public mutating func next() -> (key: Node, value: Node)? {
                guard let key = children.next(), let value = children.next() else { return nil }
                return (key, value)
            }
        }
    }

    /// The value's bytes of a scalar (empty for a collection), valid during `body`.
    public func withScalarBytes<R>(_ n: Node, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let node = store[n.index]
        guard node.kind < FlatNode.sequence else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        let range = Int(node.a)..<(Int(node.a) + Int(node.b))
        if node.kind & FlatNode.inArena != 0 {
            return try arena.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
        }
        return try text.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// The value of a scalar as a `String` (nil for a collection).
    public func scalarString(_ n: Node) -> String? {
        guard isScalar(n) else { return nil }
        return withScalarBytes(n) { String(decoding: $0, as: UTF8.self) }
    }

    /// True if `n` is a scalar whose value is exactly `literal`'s bytes.
    public func scalar(_ n: Node, equals literal: StaticString) -> Bool {
        let node = store[n.index]
        guard node.kind < FlatNode.sequence, Int(node.b) == literal.utf8CodeUnitCount else { return false }
        return withScalarBytes(n) { bytes in literal.withUTF8Buffer { $0.elementsEqual(bytes) } }
    }

    /// True for a plain scalar the core schema reads as null (empty, `~`, `null`, `Null`, `NULL`).
    public func isNull(_ n: Node) -> Bool {
        let node = store[n.index]
        guard node.kind & ~FlatNode.inArena == 0 else { return false }  // plain only
        return withScalarBytes(n) { CoreSchema.isNull($0) }
    }

    /// The value of the first pair of mapping `n` whose key is the scalar `key`.
    public func value(of key: StaticString, in n: Node) -> Node? {
        for pair in pairs(n) where scalar(pair.key, equals: key) { return pair.value }
        return nil
    }

    // MARK: Marks

    /// The line and column of node `n`'s first character.
    public func mark(_ n: Node) -> SourceMark {
        lines.mark(ofOffset: Int(store[n.index].offset), in: text)
    }

    // MARK: The tree

    /// Node `n` and its descendants as a `YAMLNode` tree (for `parse`, tools and tests; the
    /// summarise path never builds it). Recursive, but only as deep as the parser's depth limit
    /// allowed the document to be.
    public func tree(_ n: Node) -> YAMLNode {
        build(n.index, marks: MarkCursor(lines: lines, text: text))
    }

    /// Marks asked in document order, so each line's columns are counted once.
    private struct MarkCursor {
        let lines: LineIndex
        let text: [UInt8]
    }

    private func build(_ i: Int, marks: MarkCursor) -> YAMLNode {
        let node = Node(i)
        let mark = marks.lines.mark(ofOffset: Int(store[i].offset), in: marks.text)
        switch kind(node) {
        case .scalar(let style):
            return YAMLNode(.scalar(scalarString(node) ?? "", style), mark: mark)
        case .sequence:
            var items: [YAMLNode] = []
            items.reserveCapacity(children(node).count)
            for child in children(node) { items.append(build(child.index, marks: marks)) }
            return YAMLNode(.sequence(items), mark: mark)
        case .mapping:
            var pairs: [YAMLPair] = []
            pairs.reserveCapacity(self.pairs(node).count)
            for pair in self.pairs(node) {
                let key = build(pair.key.index, marks: marks)
                pairs.append(YAMLPair(key: key, value: build(pair.value.index, marks: marks)))
            }
            return YAMLNode(.mapping(pairs), mark: mark)
        }
    }

    /// Every document as a tree.
    public var trees: [YAMLNode] { roots.map(tree) }
}

/// 12 bytes: the kind and the mark's byte offset packed in one word; for a scalar, its value's
/// start and length (in the text or, with `inArena`, in the side buffer); for a collection,
/// the index past its last descendant and the number of items (or pairs).
struct FlatNode: Sendable {
    var head: UInt32
    var a: UInt32
    var b: UInt32

    /// Styles 0…4 (plain, single-quoted, double-quoted, literal, folded), + `inArena`.
    static let inArena: UInt8 = 8
    static let sequence: UInt8 = 16
    static let mapping: UInt8 = 17
    /// Offsets fit in 27 bits (inputs are at most 64 MiB); the kind takes the top 5.
    static let offsetBits: UInt32 = 27

    init(kind: UInt8, offset: Int, a: Int, b: Int) {
        head = UInt32(kind) << FlatNode.offsetBits | UInt32(truncatingIfNeeded: offset) & ((1 << FlatNode.offsetBits) - 1)
        self.a = UInt32(truncatingIfNeeded: a)
        self.b = UInt32(truncatingIfNeeded: b)
    }

    var kind: UInt8 { UInt8(truncatingIfNeeded: head >> FlatNode.offsetBits) }
    var offset: UInt32 { head & ((1 << FlatNode.offsetBits) - 1) }

    static func code(_ style: ScalarStyle) -> UInt8 {
        switch style {
        case .plain: 0
        case .singleQuoted: 1
        case .doubleQuoted: 2
        case .literal: 3
        case .folded: 4
        }
    }

    static func style(_ kind: UInt8) -> ScalarStyle {
        switch kind & 7 {
        case 1: .singleQuoted
        case 2: .doubleQuoted
        case 3: .literal
        case 4: .folded
        default: .plain
        }
    }
}

/// Nodes in fixed segments of 4,096 (48 KB, small enough for allocators to reuse rather than
/// map anew): appending never copies what is stored, so the store's
/// peak memory is its size (plus one segment), not twice it as a doubling array's would be.
/// The segments are raw memory owned by one storage object, so reading a node costs no
/// reference counting. Written only while parsing; read-only once the document is made.
struct NodeStore: @unchecked Sendable {
    static let shift = 12
    static let segment = 1 << 12

    final class Storage {
        // Only the parser writes (before the document is shared); reads need no dynamic
        // exclusivity check, which would otherwise cost more than the read.
        @exclusivity(unchecked) var segments: [UnsafeMutablePointer<FlatNode>] = []
        /// The count at which `append` must make room (the end of the last segment).
        @exclusivity(unchecked) var limit = 0
        /// The first segment's size until it fills: small for a small document (the fuzzer
        /// and the property runs parse many), at most a whole segment.
        @exclusivity(unchecked) var firstCapacity = NodeStore.segment
        deinit { for s in segments { s.deallocate() } }
    }

    private let storage = Storage()
    private(set) var count = 0

    /// Sizes the first segment for about `nodes` nodes (it grows to a whole segment if more come).
    func expect(_ nodes: Int) {
        if storage.segments.isEmpty { storage.firstCapacity = min(NodeStore.segment, max(64, nodes)) }
    }

    @inline(__always) mutating func append(_ node: FlatNode) -> Int {
        if count == storage.limit { makeRoom() }
        storage.segments[count >> NodeStore.shift].advanced(by: count & (NodeStore.segment - 1)).initialize(to: node)
        count += 1
        return count - 1
    }

    @inline(never) private func makeRoom() {
        if storage.segments.isEmpty {
            storage.segments.append(UnsafeMutablePointer<FlatNode>.allocate(capacity: storage.firstCapacity))
            storage.limit = storage.firstCapacity
        } else if count < NodeStore.segment {
            // The small first segment is full: it becomes a whole one.
            let whole = UnsafeMutablePointer<FlatNode>.allocate(capacity: NodeStore.segment)
            whole.moveInitialize(from: storage.segments[0], count: count)
            storage.segments[0].deallocate()
            storage.segments[0] = whole
            storage.limit = NodeStore.segment
        } else {
            storage.segments.append(UnsafeMutablePointer<FlatNode>.allocate(capacity: NodeStore.segment))
            storage.limit = count + NodeStore.segment
        }
    }

    @inline(__always) subscript(i: Int) -> FlatNode {
        get { storage.segments[i >> NodeStore.shift][i & (NodeStore.segment - 1)] }
        nonmutating set { storage.segments[i >> NodeStore.shift][i & (NodeStore.segment - 1)] = newValue }
    }

    /// The index after node `i` and its descendants.
    @inline(__always) func subtreeEnd(_ i: Int) -> Int {
        let node = self[i]
        return node.kind >= FlatNode.sequence ? Int(node.a) : i + 1
    }
}

/// Line starts, found once when a mark is first asked for; columns count Unicode scalars,
/// resumed from the last mark asked on the same line (marks are mostly asked in order), so a
/// long line costs its length once, not once per node.
final class LineIndex {
    private var starts: [Int]?
    private var lastLine = -1
    private var lastOffset = 0
    private var lastColumn = 1

    func mark(ofOffset offset: Int, in text: [UInt8]) -> SourceMark {
        if starts == nil {
            var s = [0]
            for (i, c) in text.enumerated() where c == 0x0A { s.append(i + 1) }
            starts = s
        }
        let s = starts ?? [0]
        var low = 0, high = s.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if s[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let lineStart = s[low]
        var from = lineStart, column = 1
        if lastLine == low && lastOffset <= offset {
            from = lastOffset
            column = lastColumn
        }
        var i = from
        while i < offset && i < text.count {
            if text[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        lastLine = low
        lastOffset = offset
        lastColumn = column
        return SourceMark(line: low + 1, column: column)
    }
}
