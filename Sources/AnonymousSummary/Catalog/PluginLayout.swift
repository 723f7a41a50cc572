import Primitives

/// The bit vector an LDP payload reports: one bit per allow-listed plugin, in the catalogue's
/// order (kind, then name), then one "unlisted" bit per kind, in payload order. Its
/// fingerprint (SipHash-2-4 under a fixed public key of the list's text) tells a collector
/// which catalogue, and so which bits, a payload was made with.
public struct PluginLayout: Sendable {
    public let plugins: [PluginName]
    public let kinds: [ComponentKind]
    private let position: [PluginName: Int]
    /// 16 lower-case hex digits.
    public let fingerprint: String

    public init(catalog: ComponentCatalog) {
        plugins = catalog.allNames
        kinds = ComponentKind.allCases.sorted()
        var position: [PluginName: Int] = [:]
        for (i, name) in plugins.enumerated() { position[name] = i }
        self.position = position
        var text = "oue-layout-1\n"
        for name in plugins { text += name.description + "\n" }
        for kind in kinds { text += "unlisted/" + kind.rawValue + "\n" }
        let h = SipHash24.hash(key: 0, 0, Array(text.utf8))
        let hex = String(h, radix: 16)
        fingerprint = String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Bits in all: plugins, then kinds.
    public var width: Int { plugins.count + kinds.count }

    /// The true bits of `usage`: which plugins are used (how often is not reported), and which
    /// kinds have unlisted components. Malformed components are not reported in this mode.
    public func bits(of usage: ComponentUsage) -> [Bool] {
        var bits = [Bool](repeating: false, count: width)
        for (name, count) in usage.counts where count > 0 {
            if let i = position[name] { bits[i] = true }
        }
        for (k, kind) in kinds.enumerated() where (usage.unlisted[kind] ?? 0) > 0 {
            bits[plugins.count + k] = true
        }
        return bits
    }

    /// The bit of `name`, if it is in this layout.
    public func bit(of name: PluginName) -> Int? { position[name] }

    /// What bit `i` stands for, for people: `input/kafka` or `unlisted/processor`.
    public func label(ofBit i: Int) -> String {
        i < plugins.count ? plugins[i].description : "unlisted/" + kinds[i - plugins.count].rawValue
    }
}

extension ComponentCatalog {
    /// The LDP bit layout of this catalogue (made with the catalogue, once).
    public var pluginLayout: PluginLayout { cachedPluginLayout ?? PluginLayout(catalog: self) }
}
