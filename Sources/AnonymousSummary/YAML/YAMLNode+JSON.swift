extension YAMLNode {
    /// The node as one line of JSON: mapping keys in document order; with `resolvingScalars`,
    /// plain scalars read by the YAML 1.2 core schema (null, booleans, integers, floats),
    /// every other scalar a string; without it, every scalar its string value.
    ///
    /// Keys are always strings (JSON has no other keys). Infinities and NaN, which JSON cannot
    /// hold, are written as the scalar's text in a string. Iterative: any depth is safe.
    public func jsonText(resolvingScalars: Bool = true) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        enum Step { case node(YAMLNode), key(YAMLNode), raw(UInt8) }
        var stack: [Step] = [.node(self)]
        while let step = stack.popLast() {
            switch step {
            case .raw(let byte):
                out.append(byte)
            case .key(let key):
                if case .scalar(let s, _) = key.content {
                    JSONText.appendString(s, to: &out)
                } else {
                    // A collection used as a key cannot be written as a JSON key; the parser
                    // refuses such keys, so only hand-built trees reach this.
                    JSONText.appendString(key.jsonText(resolvingScalars: resolvingScalars), to: &out)
                }
            case .node(let node):
                switch node.content {
                case .scalar(let s, let style):
                    guard resolvingScalars else { JSONText.appendString(s, to: &out); continue }
                    switch CoreSchema.resolve(s, style: style) {
                    case .null: out.append(contentsOf: "null".utf8)
                    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
                    case .integer(let digits): out.append(contentsOf: digits.utf8)
                    case .float(let d):
                        if d.isFinite { out.append(contentsOf: JSONText.number(d).utf8) } else { JSONText.appendString(s, to: &out) }
                    case .string(let str): JSONText.appendString(str, to: &out)
                    }
                case .sequence(let items):
                    out.append(UInt8(ascii: "["))
                    stack.append(.raw(UInt8(ascii: "]")))
                    for (i, item) in items.enumerated().reversed() {
                        stack.append(.node(item))
                        if i > 0 { stack.append(.raw(UInt8(ascii: ","))) }
                    }
                case .mapping(let pairs):
                    out.append(UInt8(ascii: "{"))
                    stack.append(.raw(UInt8(ascii: "}")))
                    for (i, pair) in pairs.enumerated().reversed() {
                        stack.append(.node(pair.value))
                        stack.append(.raw(UInt8(ascii: ":")))
                        stack.append(.key(pair.key))
                        if i > 0 { stack.append(.raw(UInt8(ascii: ","))) }
                    }
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Small JSON text helpers shared by the YAML printer and the payload encoder.
package enum JSONText {
    package static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a JSON string literal, escaping quotes, backslashes and control characters.
    package static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A finite double as a JSON number (shortest round-trip form).
    static func number(_ d: Double) -> String {
        var text = d.description
        if text.hasSuffix(".0") && !text.contains("e") { text.removeLast(2) }
        return text
    }
}
