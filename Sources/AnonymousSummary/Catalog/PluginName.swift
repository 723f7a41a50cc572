/// The name of a plugin in a catalogue's allow-list.
///
/// There is no public way to make one from a `String`: the only source is
/// `ComponentCatalog.plugin(named:kind:)`, which returns the catalogue's own `StaticString`,
/// a literal compiled into the host, never the text it was looked up with. So a name in a
/// payload is always one the host's source code spelled out, whatever the config says.
public struct PluginName: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let kind: ComponentKind
    let text: StaticString

    init(kind: ComponentKind, text: StaticString) {
        self.kind = kind
        self.text = text
    }

    /// The name, for display (it is the catalogue's literal).
    public var name: String { text.description }
    public var description: String { "\(kind.rawValue)/\(name)" }

    public static func == (a: PluginName, b: PluginName) -> Bool {
        a.kind == b.kind && StaticText.equal(a.text, b.text)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        text.withUTF8Buffer { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// By kind, then by name (byte order).
    public static func < (a: PluginName, b: PluginName) -> Bool {
        if a.kind != b.kind { return a.kind < b.kind }
        return StaticText.less(a.text, b.text)
    }
}

/// Comparisons of `StaticString`s by their UTF-8 bytes.
enum StaticText {
    static func equal(_ a: StaticString, _ b: StaticString) -> Bool {
        a.withUTF8Buffer { x in b.withUTF8Buffer { y in x.elementsEqual(y) } }
    }

    static func less(_ a: StaticString, _ b: StaticString) -> Bool {
        a.withUTF8Buffer { x in b.withUTF8Buffer { y in x.lexicographicallyPrecedes(y) } }
    }

    static func bytes(_ s: StaticString) -> [UInt8] { s.withUTF8Buffer { Array($0) } }
}
