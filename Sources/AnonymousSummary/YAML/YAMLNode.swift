/// A position in the source text, 1-based, as editors show it.
///
/// `column` counts Unicode scalars from the start of the line, so a mark points at the
/// character a person sees, whatever bytes came before it on the line.
public struct SourceMark: Hashable, Sendable, CustomStringConvertible {
    // Stored in 32 bits each (inputs are limited far below 4 G lines or columns): every node
    // carries a mark, and 8 bytes instead of 16 per node is a fifth of a parsed tree's size.
    private var storedLine: UInt32
    private var storedColumn: UInt32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    public init(line: Int, column: Int) {
        self.storedLine = UInt32(clamping: line)
        self.storedColumn = UInt32(clamping: column)
    }

    public var description: String { "\(line):\(column)" }
}

/// How a scalar was written. The walker never needs it; `parse` and the tests do, to show
/// exactly how a document was read and to resolve plain scalars by the YAML 1.2 core schema.
public enum ScalarStyle: Sendable, Hashable {
    case plain
    case singleQuoted
    case doubleQuoted
    /// `|` block scalar.
    case literal
    /// `>` block scalar.
    case folded
}

/// One node of a parsed YAML document: a scalar, a sequence, or a mapping whose pairs
/// keep their document order. Every node carries the mark of its first character.
public struct YAMLNode: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    public var mark: SourceMark

    public init(_ content: Content, mark: SourceMark = SourceMark(line: 1, column: 1)) {
        self.content = content
        self.mark = mark
    }

    public static func scalar(_ value: String, _ style: ScalarStyle = .plain,
                              at mark: SourceMark = SourceMark(line: 1, column: 1)) -> YAMLNode {
        YAMLNode(.scalar(value, style), mark: mark)
    }

    /// The string value if this node is a scalar.
    public var scalarValue: String? {
        if case .scalar(let value, _) = content { return value }
        return nil
    }

    /// True for a plain scalar the core schema reads as null (empty, `~`, `null`, `Null`, `NULL`).
    public var isNull: Bool {
        if case .scalar(let value, .plain) = content { return CoreSchema.isNull(value) }
        return false
    }

    /// The pairs if this node is a mapping.
    public var mappingPairs: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The items if this node is a sequence.
    public var sequenceItems: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The value of the first pair whose key is the scalar `key`.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs where pair.key.scalarValue == key { return pair.value }
        return nil
    }
}

/// A key and its value in a mapping.
public struct YAMLPair: Sendable, Equatable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

extension YAMLNode {
    /// Structural equality that ignores marks, and scalar styles unless `styles` is true.
    /// Iterative, so it is safe on trees of any depth.
    public func isSameTree(as other: YAMLNode, comparingStyles styles: Bool = false) -> Bool {
        var stack: [(YAMLNode, YAMLNode)] = [(self, other)]
        while let (a, b) = stack.popLast() {
            switch (a.content, b.content) {
            case let (.scalar(x, sx), .scalar(y, sy)):
                if x != y { return false }
                if styles && sx != sy { return false }
            case let (.sequence(xs), .sequence(ys)):
                if xs.count != ys.count { return false }
                for i in xs.indices { stack.append((xs[i], ys[i])) }
            case let (.mapping(xs), .mapping(ys)):
                if xs.count != ys.count { return false }
                for i in xs.indices {
                    stack.append((xs[i].key, ys[i].key))
                    stack.append((xs[i].value, ys[i].value))
                }
            default:
                return false
            }
        }
        return true
    }
}
