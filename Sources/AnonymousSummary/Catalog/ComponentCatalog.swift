/// What a host's config language looks like, as far as the summariser needs to know:
/// which kinds of component exist, where they sit at the root, which keys beside a plugin's
/// key are reserved, which plugin names are allowed per kind, and which fields of each plugin
/// hold further components.
///
/// The catalogue is the allow-list: a name can reach a payload only by being found here.
/// Every name and field is a `StaticString`, so the allow-list is fixed when the host is
/// compiled and no text read at run time can join it. `ComponentCatalog.benthos` is the
/// Benthos v4 / Redpanda Connect catalogue; hosts build their own with the initialiser, or
/// extend one with `adding(_:)`.
public struct ComponentCatalog: Sendable {
    /// One step of a path from a plugin's config value (or from the config root) to the
    /// components it holds.
    public enum PathStep: Sendable, Hashable {
        /// The value under this key of a mapping.
        case field(StaticString)
        /// Every item of a sequence.
        case items
        /// Every value of a mapping whose keys the user chooses (the keys are never read).
        case values

        public static func == (a: PathStep, b: PathStep) -> Bool {
            switch (a, b) {
            case let (.field(x), .field(y)): return StaticText.equal(x, y)
            case (.items, .items), (.values, .values): return true
            default: return false
            }
        }

        public func hash(into hasher: inout Hasher) {
            switch self {
            case .field(let s): hasher.combine(0); s.withUTF8Buffer { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            case .items: hasher.combine(1)
            case .values: hasher.combine(2)
            }
        }
    }

    /// Where components of `kind` sit, following `path` from a starting value.
    public struct Slot: Sendable, Hashable {
        public var path: [PathStep]
        public var kind: ComponentKind

        public init(_ path: [PathStep], _ kind: ComponentKind) {
            self.path = path
            self.kind = kind
        }
    }

    /// How a plugin's config value is shaped (for tools that generate configs; the walk
    /// follows `children` only).
    public enum ConfigShape: Sendable, Hashable {
        case mapping
        case string
        case list
        case component
    }

    public struct Plugin: Sendable {
        public var kind: ComponentKind
        public var name: StaticString
        /// Fields of the plugin's config value that hold components.
        public var children: [Slot]
        public var configShape: ConfigShape
        /// Removed from current releases but found in older v4 configs.
        public var historical: Bool

        public init(_ kind: ComponentKind, _ name: StaticString, children: [Slot] = [],
                    configShape: ConfigShape = .mapping, historical: Bool = false) {
            self.kind = kind
            self.name = name
            self.children = children
            self.configShape = configShape
            self.historical = historical
        }
    }

    /// Where components sit in each kind of file a host reads.
    public struct Layout: Sendable {
        /// A main config (`-c`): input, pipeline.processors, output, resources, metrics…
        public var mainConfig: [Slot]
        /// A resources file (`-r`).
        public var resources: [Slot]
        /// A stream config in streams mode.
        public var stream: [Slot]

        public init(mainConfig: [Slot], resources: [Slot], stream: [Slot]) {
            self.mainConfig = mainConfig
            self.resources = resources
            self.stream = stream
        }
    }

    public private(set) var layout: Layout
    /// Keys that may sit beside the plugin key of a component of each kind; never plugin names.
    public private(set) var reservedFields: [ComponentKind: [StaticString]]
    /// Reserved fields that hold components (`processors` on inputs and outputs).
    public private(set) var reservedChildren: [ComponentKind: [Slot]]
    public private(set) var plugins: [Plugin]
    /// The legacy key whose string value names the plugin (`type` in Benthos), if any.
    public private(set) var typeField: StaticString?
    /// The legacy key holding the config when `typeField` names the plugin (`plugin`).
    public private(set) var pluginConfigField: StaticString?
    private var index: [ComponentKind: [String: Int]]
    private var reservedIndex: [ComponentKind: Set<String>]
    /// Per kind, key → -1 if reserved (reserved wins over a plugin of the same name), else the
    /// plugin's index.
    private var keyRoles: [ComponentKind: [String: Int]] = [:]
    /// The same, looked up by a key's bytes (the walk compares keys without a `String`), by
    /// `ComponentKind.order`.
    private var keyRoleTables: [ByteTable?] = []
    /// `reservedChildren`, by `ComponentKind.order` (the walk asks once per component).
    private var reservedChildrenByKind: [[Slot]] = []
    /// Every slot's path, flattened once, so a walk builds no routes.
    private(set) var routes = RouteTable()
    /// The LDP bit layout, made once (see `pluginLayout`).
    private(set) var cachedPluginLayout: PluginLayout?

    public init(layout: Layout, reservedFields: [ComponentKind: [StaticString]],
                reservedChildren: [ComponentKind: [Slot]], plugins: [Plugin],
                typeField: StaticString? = "type", pluginConfigField: StaticString? = "plugin") {
        self.layout = layout
        self.typeField = typeField
        self.pluginConfigField = pluginConfigField
        self.reservedFields = reservedFields
        self.reservedChildren = reservedChildren
        self.plugins = []
        self.index = [:]
        self.reservedIndex = [:]
        for (kind, names) in reservedFields {
            reservedIndex[kind] = Set(names.map { $0.description })
        }
        for plugin in plugins { add(plugin) }
        indexRoles()
    }

    private mutating func indexRoles() {
        keyRoles = index
        for (kind, names) in reservedIndex {
            for name in names { keyRoles[kind, default: [:]][name] = -1 }
        }
        keyRoleTables = ComponentKind.allCases.sorted().map { kind in keyRoles[kind].map { ByteTable($0.map { ($0.key, $0.value) }) } }
        reservedChildrenByKind = ComponentKind.allCases.sorted().map { reservedChildren[$0] ?? [] }
        routes = RouteTable(self)
        cachedPluginLayout = nil
        cachedPluginLayout = PluginLayout(catalog: self)
    }

    private mutating func add(_ plugin: Plugin) {
        let key = plugin.name.description
        if let existing = index[plugin.kind]?[key] {
            plugins[existing] = plugin
        } else {
            index[plugin.kind, default: [:]][key] = plugins.count
            plugins.append(plugin)
        }
    }

    /// This catalogue with more plugins (a host's own, or names from a custom build); a
    /// plugin with the name of an existing one of the same kind replaces it.
    public func adding(_ more: [Plugin]) -> ComponentCatalog {
        var copy = self
        for plugin in more { copy.add(plugin) }
        copy.indexRoles()
        return copy
    }

    /// The allow-listed name of a plugin of `kind` called `key`, or nil. The result holds the
    /// catalogue's literal, not `key`.
    public func plugin(named key: String, kind: ComponentKind) -> PluginName? {
        guard let i = index[kind]?[key] else { return nil }
        return PluginName(kind: kind, text: plugins[i].name)
    }

    func pluginEntry(_ name: PluginName) -> Plugin? {
        pluginIndex(name).map { plugins[$0] }
    }

    /// The position in `plugins` of the plugin called `name`.
    func pluginIndex(_ name: PluginName) -> Int? {
        // The plugin's own literal, looked up by bytes (no String) in the key table, where a
        // plugin maps to its index (a reserved key of the same name would shadow it: then the
        // String index answers).
        if let table = keyRoleTables[name.kind.order],
           let i = name.text.withUTF8Buffer({ table.value($0) }), i >= 0, StaticText.equal(plugins[i].name, name.text) {
            return i
        }
        return index[name.kind]?[name.name]
    }

    public func isReserved(_ key: String, kind: ComponentKind) -> Bool {
        reservedIndex[kind]?.contains(key) ?? false
    }

    /// What `key` is beside a plugin's key in a component of `kind`: reserved, an allow-listed
    /// plugin, or neither (nil). One look-up where the walk would otherwise make two.
    enum KeyRole {
        case reserved
        /// The plugin, and its position in `plugins`.
        case plugin(PluginName, Int)
    }

    func role(of key: String, kind: ComponentKind) -> KeyRole? {
        guard let roles = keyRoles[kind] else { return nil }
        switch roles[key] {
        case .none: return nil
        case .some(-1): return .reserved
        case .some(let i): return .plugin(PluginName(kind: kind, text: plugins[i].name), i)
        }
    }

    /// The keys of components of `kind`, by bytes (looked up once per component).
    func roleTable(for kind: ComponentKind) -> ByteTable? { keyRoleTables[kind.order] }

    /// Reserved fields of `kind` that hold components.
    func reservedChildSlots(_ kind: ComponentKind) -> [Slot] { reservedChildrenByKind[kind.order] }

    /// `role(of:kind:)` for a key given as bytes (a scalar of the parsed document).
    func role(ofBytes key: UnsafeBufferPointer<UInt8>, kind: ComponentKind, table: ByteTable?) -> KeyRole? {
        guard let table, let i = table.value(key) else { return nil }
        if i == -1 { return .reserved }
        return .plugin(PluginName(kind: kind, text: plugins[i].name), i)
    }

    /// Every allow-listed name, sorted by kind then name.
    public var allNames: [PluginName] {
        plugins.map { PluginName(kind: $0.kind, text: $0.name) }.sorted()
    }
}

/// The catalogue's slots as routes: a route is a slot's path (a run of `steps`) and the kind
/// of component found at its end. Made once per catalogue; the walk reads positions in it.
struct RouteTable: Sendable {
    struct Route: Sendable {
        var start: Int32
        var end: Int32
        var kind: ComponentKind
    }

    private(set) var steps: [ComponentCatalog.PathStep] = []
    /// The child slots of each plugin, by position in `plugins`.
    private(set) var plugin: [[Route]] = []
    /// The reserved child slots of each kind, by `ComponentKind.order`.
    private(set) var reserved: [[Route]] = []
    private(set) var mainConfig: [Route] = []
    private(set) var resources: [Route] = []
    private(set) var stream: [Route] = []

    init() {}

    init(_ catalog: ComponentCatalog) {
        plugin = catalog.plugins.map { add($0.children) }
        reserved = ComponentKind.allCases.sorted().map { add(catalog.reservedChildSlots($0)) }
        mainConfig = add(catalog.layout.mainConfig)
        resources = add(catalog.layout.resources)
        stream = add(catalog.layout.stream)
    }

    private mutating func add(_ slots: [ComponentCatalog.Slot]) -> [Route] {
        slots.map { slot in
            let start = Int32(steps.count)
            steps.append(contentsOf: slot.path)
            return Route(start: start, end: Int32(steps.count), kind: slot.kind)
        }
    }
}
