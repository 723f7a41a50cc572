import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

/// The catalogue's names as numbers: plugin `i` is `names[i]` (sorted by kind then name), and
/// a name read from a payload is found by its bytes, without building a `String`.
///
/// The report counts by these numbers, and prints a plugin only through `names`, the
/// catalogue's own list: like the payload, the report cannot print a name a payload sent
/// unless the catalogue has it.
public struct CatalogIndex: Sendable {
    public let catalog: ComponentCatalog
    /// Every allow-listed name, sorted by kind then name; a plugin's number is its position.
    public let names: [PluginName]
    /// The kinds in payload order; a kind's number is its position.
    public static let kinds: [ComponentKind] = ComponentKind.allCases.sorted()

    /// The LDP bit layout of the catalogue (plugins in the order of `names`, then kinds).
    public let layout: PluginLayout
    let fingerprintBytes: [UInt8]

    private let kindOfPlugin: [UInt8]
    /// Per kind number, plugin name -> plugin number.
    private let tables: [ByteTable]

    public init(catalog: ComponentCatalog = .benthos) {
        self.catalog = catalog
        layout = catalog.pluginLayout
        fingerprintBytes = Array(layout.fingerprint.utf8)
        let names = catalog.allNames
        let kindOfPlugin = names.map { UInt8(CatalogIndex.kinds.firstIndex(of: $0.kind) ?? 0) }
        self.names = names
        self.kindOfPlugin = kindOfPlugin
        tables = CatalogIndex.kinds.indices.map { k in
            ByteTable(names.indices.filter { Int(kindOfPlugin[$0]) == k }.map { (names[$0].name, $0) })
        }
    }

    public var count: Int { names.count }

    /// How many pairs of plugins: n(n − 1)/2.
    public var pairCount: Int { count * (count - 1) / 2 }

    /// The position of the pair of plugins (a, b), a ≠ b, in the pairs listed (0, 1), (0, 2), …,
    /// (0, n − 1), (1, 2), …: the one place the pairs' order is defined (the release's pair
    /// figures, the bounded counts, the counts file).
    public func pairIndex(_ a: Int, _ b: Int) -> Int {
        let (x, y) = a < b ? (a, b) : (b, a)
        return x * count - x * (x + 1) / 2 + (y - x - 1)
    }

    /// The number of the plugin of kind number `kind` named by `bytes`, or nil.
    public func plugin(_ bytes: UnsafeBufferPointer<UInt8>, kind: Int) -> Int? {
        guard kind >= 0 && kind < tables.count else { return nil }
        return tables[kind].value(bytes)
    }

    /// The number of `name` (one of this catalogue's), or nil.
    public func number(of name: PluginName) -> Int? {
        guard let kind = CatalogIndex.kinds.firstIndex(of: name.kind) else { return nil }
        return Array(name.name.utf8).withUnsafeBufferPointer { plugin($0, kind: kind) }
    }

    /// The kind number of plugin `i`.
    public func kind(ofPlugin i: Int) -> Int { Int(kindOfPlugin[i]) }

    /// The number of the kind named by `bytes`, or nil.
    public static func kind(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        for (i, name) in kindNameBytes.enumerated() where name.elementsEqual(bytes) { return i }
        return nil
    }

    static let kindNameBytes: [[UInt8]] = kinds.map { Array($0.rawValue.utf8) }
}
