/// Why a YAML document was refused. Errors are values: every one carries a kind, a message
/// and the mark of the byte that caused it, so a user can go straight to it.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Not UTF-8 (or UTF-16 with a byte-order mark), or a character YAML does not allow.
        case encoding
        /// Not well-formed YAML: unterminated quotes or flows, bad indentation, tabs as indentation…
        case syntax
        /// Valid YAML that this subset parser does not read (tags, anchors, complex keys…).
        /// The parser refuses rather than guess.
        case unsupported
        /// The same key twice in one mapping.
        case duplicateKey
        /// A configured limit (size, depth, nodes) was exceeded.
        case limit
    }

    public var kind: Kind
    public var message: String
    public var mark: SourceMark

    public init(_ kind: Kind, _ message: String, at mark: SourceMark) {
        self.kind = kind
        self.message = message
        self.mark = mark
    }

    public var line: Int { mark.line }
    public var column: Int { mark.column }

    /// `LINE:COLUMN: message`
    public var description: String { "\(mark.line):\(mark.column): \(message)" }

    /// `FILE:LINE:COLUMN: message`, the form compilers use, so editors can jump to it.
    public func formatted(file: String) -> String { "\(file):\(mark.line):\(mark.column): \(message)" }
}

/// Bounds that keep hostile input cheap. The defaults accept every real config we know of
/// (the largest in the corpus is about 110 KB, 15 levels deep) with a wide margin.
public struct YAMLLimits: Sendable, Equatable {
    /// Largest input accepted, in bytes (after UTF-16 decoding, if any).
    public var maxInputBytes: Int
    /// Deepest nesting of collections (block or flow) accepted. The parser descends
    /// recursively, one call per level, so this limit is also what bounds its stack: a nest
    /// at the default of 64 (four times the deepest real config we know) needs under 400 KB
    /// of stack in a release build (about 1.5 MB in a debug build), so parsing is safe on the
    /// smallest thread stacks a host is likely to run on. Raise it only with a larger stack.
    public var maxDepth: Int
    /// Most nodes (scalars and collections, keys included) in one stream.
    public var maxNodes: Int

    public init(maxInputBytes: Int = 64 << 20, maxDepth: Int = 64, maxNodes: Int = 4_000_000) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    public static let `default` = YAMLLimits()
}
