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
    public let layout: LDPLayout
    let fingerprintBytes: [UInt8]

    private let nameBytes: [[UInt8]]
    private let kindOfPlugin: [UInt8]
    private let slots: [Int32]
    private let mask: Int

    public init(catalog: ComponentCatalog = .benthos) {
        self.catalog = catalog
        layout = catalog.ldpLayout
        fingerprintBytes = Array(layout.fingerprint.utf8)
        let names = catalog.allNames
        let nameBytes = names.map { Array($0.name.utf8) }
        let kindOfPlugin = names.map { UInt8(CatalogIndex.kinds.firstIndex(of: $0.kind) ?? 0) }
        self.names = names
        self.nameBytes = nameBytes
        self.kindOfPlugin = kindOfPlugin
        var capacity = 16
        while capacity < names.count * 3 { capacity *= 2 }
        mask = capacity - 1
        var table = [Int32](repeating: -1, count: capacity)
        for (i, bytes) in nameBytes.enumerated() {
            var slot = bytes.withUnsafeBufferPointer { CatalogIndex.hash($0, kind: kindOfPlugin[i]) } & (capacity - 1)
            while table[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            table[slot] = Int32(i)
        }
        slots = table
    }

    public var count: Int { names.count }

    /// The number of the plugin of kind number `kind` named by `bytes`, or nil.
    public func plugin(_ bytes: UnsafeBufferPointer<UInt8>, kind: Int) -> Int? {
        var slot = CatalogIndex.hash(bytes, kind: UInt8(truncatingIfNeeded: kind)) & mask
        while true {
            let candidate = Int(slots[slot])
            if candidate < 0 { return nil }
            if Int(kindOfPlugin[candidate]) == kind && nameBytes[candidate].elementsEqual(bytes) {
                return candidate
            }
            slot = (slot + 1) & mask
        }
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

    /// FNV-1a over the kind and the name.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, kind: UInt8) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(kind)
        h = h &* 0x100_0000_01b3
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }
}
