/// Reading YAML: the entry points.
///
/// The parser reads the part of YAML 1.2 that real pipeline configs use (block and flow
/// collections, all scalar styles, comments, several documents, UTF-8 and UTF-16 input) and
/// refuses, with a `YAMLError` naming the feature, anything it does not read exactly as YAML
/// would: tags, anchors and aliases, complex (`? `) keys, collections as keys, directives.
/// It never guesses. Limits (`YAMLLimits`) bound size, depth and node count, so hostile input
/// costs little; the parser recurses only under the depth limit.
public enum YAML {
    /// Every document of the stream, in order (an empty stream has none), as trees.
    public static func parseStream(_ bytes: [UInt8], limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLNode] {
        try parseDocument(bytes, limits: limits).trees
    }

    /// The stream as one flat `YAMLDocument` (what the summariser reads).
    public static func parseDocument(_ bytes: [UInt8], limits: YAMLLimits = .default) throws(YAMLError) -> YAMLDocument {
        try parseDecoded(try InputDecoder.decode(bytes, limits: limits), limits: limits)
    }

    /// The stream of `text` already through `InputDecoder.decode` (validated UTF-8, `\n`
    /// line ends), so callers that transform the decoded text do not pay to validate it twice.
    static func parseDecoded(_ text: [UInt8], limits: YAMLLimits) throws(YAMLError) -> YAMLDocument {
        // Node marks are byte offsets in 27 bits (see FlatNode); the default limit is far below.
        guard text.count < 1 << FlatNode.offsetBits else {
            throw YAMLError(.limit, "input is \(text.count) bytes, more than the parser's maximum of \((1 << FlatNode.offsetBits) - 1)",
                            at: SourceMark(line: 1, column: 1))
        }
        let parsed = try text.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> (NodeStore, [UInt8], [Int]) in
            var parser = Parser(buffer, limits: limits)
            let roots = try parser.parseStream()
            return (parser.store, parser.arena, roots)
        }
        return YAMLDocument(text: text, store: parsed.0, arena: parsed.1, roots: parsed.2)
    }

    /// Every document of the stream in `text`.
    public static func parseStream(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLNode] {
        try parseStream(Array(text.utf8), limits: limits)
    }
}
