import LocalPrivacy
import UsageReport
import SummaryChecks
import TestSupport
import AnonymousSummary

/// What the walk must find in a generated config, computed from the generator's own model,
/// independently of the walker (property 4).
struct Expected: Equatable {
    var counts: [String: Int] = [:]
    var unlisted: [ComponentKind: Int] = [:]
    var malformed: [ComponentKind: Int] = [:]
}

/// Which features a generated config exercised, for the coverage report.
struct Features {
    var kinds: Set<ComponentKind> = []
    var forms: Set<String> = []
    var componentDepth = 0
}

/// A generated config: its skeleton, what the walk must find, and what it exercised.
struct GeneratedConfig {
    var skeleton: Skeleton
    var expected: Expected
    var features: Features
}

/// Draws random configs from the catalogue: every root section and kind, plugins with child
/// components several levels deep, resources, the legacy `type` form, unknown plugins
/// (including names of other kinds: position decides the kind), user-keyed maps, empty
/// plugin configs, malformed components. Choice 0 is always the simplest, so shrinking
/// removes sections, components and fields.
struct ConfigGenerator {
    let catalog: ComponentCatalog
    let maxComponentDepth: Int

    init(catalog: ComponentCatalog = .benthos, maxComponentDepth: Int = 4) {
        self.catalog = catalog
        self.maxComponentDepth = maxComponentDepth
        var byKind: [ComponentKind: [ComponentCatalog.Plugin]] = [:]
        var withChildren: [ComponentKind: [ComponentCatalog.Plugin]] = [:]
        var withUserMaps: [ComponentKind: [ComponentCatalog.Plugin]] = [:]
        var foreign: [ComponentKind: [String]] = [:]
        let allNames = Set(catalog.plugins.map { "\($0.name)" })
        for kind in ComponentKind.allCases {
            let reserved = Set((catalog.reservedFields[kind] ?? []).map { "\($0)" } + ["type"])
            let usable = catalog.plugins.filter { $0.kind == kind && !reserved.contains("\($0.name)") }
            byKind[kind] = usable
            withChildren[kind] = usable.filter { !$0.children.isEmpty }
            withUserMaps[kind] = usable.filter { $0.children.contains { $0.path.contains(.values) } }
            let own = Set(usable.map { "\($0.name)" })
            foreign[kind] = allNames.subtracting(own).subtracting(reserved).sorted()
        }
        self.byKind = byKind
        self.withChildren = withChildren
        self.withUserMaps = withUserMaps
        self.foreignNames = foreign
    }

    private let byKind: [ComponentKind: [ComponentCatalog.Plugin]]
    private let withChildren: [ComponentKind: [ComponentCatalog.Plugin]]
    /// Plugins with user-keyed maps of components (dynamic inputs, workflow branches…), rare
    /// among all plugins, so drawn on purpose.
    private let withUserMaps: [ComponentKind: [ComponentCatalog.Plugin]]
    /// Names that are plugins of other kinds but not of this one (never counted here).
    private let foreignNames: [ComponentKind: [String]]
    static let unknownNames = ["acme_widget", "my_custom_plugin", "x", "internal_thing_v2"]
    static let safeFields = ["address", "topic", "url", "path", "count", "interval", "codec", "timeout", "query", "max_in_flight"]

    var gen: Gen<GeneratedConfig> {
        Gen { source in
            var state = State(source: source)
            let skeleton = self.root(&state)
            return GeneratedConfig(skeleton: skeleton, expected: state.expected, features: state.features)
        }
    }

    struct State {
        let source: ChoiceSource
        var expected = Expected()
        var features = Features()

        func draw(_ n: Int) -> Int { Int(source.draw(UInt64(n))) }
        func chance(_ oneIn: Int) -> Bool { draw(oneIn) == oneIn - 1 }
    }

    // MARK: The root

    func root(_ s: inout State) -> Skeleton {
        var entries: [(Skeleton.Text, Skeleton)] = []
        func section(_ key: String, _ value: Skeleton) { entries.append((.fixed(key), value)) }
        if s.draw(3) > 0 { section("input", component(.input, depth: 1, &s)) }
        if s.chance(6) { section("buffer", component(.buffer, depth: 1, &s)) }
        if s.draw(2) > 0 {
            var pipeline: [(Skeleton.Text, Skeleton)] = []
            if s.chance(3) { pipeline.append((.fixed("threads"), .text(.hole(.value)))) }
            pipeline.append((.fixed("processors"), .seq(list(&s, max: 3) { component(.processor, depth: 1, &$0) })))
            section("pipeline", .map(pipeline))
        }
        if s.draw(3) > 0 { section("output", component(.output, depth: 1, &s)) }
        for (key, kind) in [("input_resources", ComponentKind.input), ("processor_resources", .processor),
                            ("output_resources", .output), ("cache_resources", .cache),
                            ("rate_limit_resources", .rate_limit)] where s.chance(4) {
            section(key, .seq(list(&s, max: 2) { component(kind, depth: 1, &$0) }))
        }
        if s.chance(5) { section("metrics", component(.metrics, depth: 1, &s)) }
        if s.chance(6) { section("tracer", component(.tracer, depth: 1, &s)) }
        if s.chance(4) { section("http", .map([(.fixed("address"), .text(.hole(.value)))])) }
        if s.chance(4) { section("logger", .map([(.fixed("level"), .text(.hole(.value))), (.fixed("format"), .text(.hole(.value)))])) }
        return .map(entries)
    }

    func list(_ s: inout State, max: Int, _ item: (inout State) -> Skeleton) -> [Skeleton] {
        let n = s.draw(max + 1)
        var out: [Skeleton] = []
        for _ in 0..<n { out.append(item(&s)) }
        return out
    }

    // MARK: Components

    func component(_ kind: ComponentKind, depth: Int, _ s: inout State) -> Skeleton {
        s.features.kinds.insert(kind)
        s.features.componentDepth = max(s.features.componentDepth, depth)
        let plugins = byKind[kind] ?? []
        guard !plugins.isEmpty else { return .null }
        let reserved = Set((catalog.reservedFields[kind] ?? []).map { "\($0)" })
        let form = s.draw(20)
        switch form {
        case 0..<13:
            var nested: [ComponentCatalog.Plugin] = []
            if depth < maxComponentDepth {
                switch s.draw(6) {
                case 4: nested = withChildren[kind] ?? []
                case 5: nested = withUserMaps[kind] ?? []
                default: break
                }
            }
            let pool = nested.isEmpty ? plugins : nested
            let plugin = pool[s.draw(pool.count)]
            s.expected.counts["\(kind.rawValue)/\(plugin.name)", default: 0] += 1
            var entries: [(Skeleton.Text, Skeleton)] = []
            if reserved.contains("label") && s.chance(2) { entries.append((.fixed("label"), .text(.hole(.label)))) }
            entries.append((.fixed("\(plugin.name)"), config(plugin, depth: depth, &s)))
            if reserved.contains("meta") && s.chance(8) { entries.append((.fixed("meta"), userMap(&s))) }
            if depth < maxComponentDepth, let slots = catalog.reservedChildren[kind], s.chance(4) {
                for slot in slots { entries.append(contentsOf: mapEntries(build(slot.path[...], slot.kind, depth: depth, &s))) }
            }
            s.features.forms.insert("plugin")
            return .map(entries)
        case 13, 14:
            // Legacy: `type: NAME`, config under NAME or under `plugin` (or none).
            let plugin = plugins[s.draw(plugins.count)]
            s.expected.counts["\(kind.rawValue)/\(plugin.name)", default: 0] += 1
            var entries: [(Skeleton.Text, Skeleton)] = [(.fixed("type"), .text(.fixed("\(plugin.name)")))]
            if reserved.contains("label") && s.chance(2) { entries.append((.fixed("label"), .text(.hole(.label)))) }
            switch s.draw(3) {
            case 1: entries.append((.fixed("\(plugin.name)"), config(plugin, depth: depth, &s)))
            case 2: entries.append((.fixed("plugin"), config(plugin, depth: depth, &s)))
            default: break
            }
            s.features.forms.insert("legacy type")
            return .map(entries)
        case 15, 16:
            // Unknown: a made-up name, or a plugin of another kind; nothing under it is walked.
            s.expected.unlisted[kind, default: 0] += 1
            let foreign = foreignNames[kind] ?? []
            let name = s.chance(2) && !foreign.isEmpty ? foreign[s.draw(foreign.count)]
                : Self.unknownNames[s.draw(Self.unknownNames.count)]
            s.features.forms.insert("unknown")
            if s.chance(4) { return .map([(.fixed("type"), .text(.fixed(name)))]) }
            var entries: [(Skeleton.Text, Skeleton)] = []
            if reserved.contains("label") && s.chance(2) { entries.append((.fixed("label"), .text(.hole(.label)))) }
            // What looks like components inside an unknown plugin must not be counted.
            let inner: Skeleton = s.chance(2)
                ? .map([(.fixed("\(plugins[0].name)"), .map([])), (.fixed("field"), .text(.hole(.value)))])
                : userMap(&s)
            entries.append((.fixed(name), inner))
            return .map(entries)
        case 17:
            // Two plugins: malformed, never guessed at.
            guard plugins.count >= 2 else { fallthrough }
            s.expected.malformed[kind, default: 0] += 1
            let a = s.draw(plugins.count)
            let b = (a + 1 + s.draw(plugins.count - 1)) % plugins.count
            s.features.forms.insert("two plugins")
            return .map([(.fixed("\(plugins[a].name)"), .map([])), (.fixed("\(plugins[b].name)"), .map([]))])
        case 18:
            // No plugin at all (an empty mapping, or only a label): malformed.
            s.expected.malformed[kind, default: 0] += 1
            s.features.forms.insert("no plugin")
            switch s.draw(3) {
            case 1 where reserved.contains("label"): return .map([(.fixed("label"), .text(.hole(.label)))])
            case 2: return .map([(.fixed("type"), .null)])  // a null type names nothing
            default: return .map([])
            }
        default:
            s.features.forms.insert("absent")
            return .null
        }
    }

    /// A plugin's config value, by its shape, with its child components.
    func config(_ plugin: ComponentCatalog.Plugin, depth: Int, _ s: inout State) -> Skeleton {
        switch plugin.configShape {
        case .string:
            return .text(.hole(.value))
        case .component:
            guard let slot = plugin.children.first, depth < maxComponentDepth else { return .null }
            return build(slot.path[...], slot.kind, depth: depth, &s)
        case .list:
            if let slot = plugin.children.first(where: { $0.path.first == .items }), depth < maxComponentDepth {
                return build(slot.path[...], slot.kind, depth: depth, &s)
            }
            if !plugin.children.isEmpty { return .seq([]) }
            return .seq(list(&s, max: 2) { _ in .text(.hole(.value)) })
        case .mapping:
            switch s.draw(8) {
            case 1: s.features.forms.insert("empty config {}"); return .map([])
            case 2: s.features.forms.insert("empty config null"); return .null
            default: break
            }
            let childFields = Set(plugin.children.compactMap { slot -> String? in
                if case .field(let f) = slot.path.first { return "\(f)" }
                return nil
            })
            var entries: [(Skeleton.Text, Skeleton)] = []
            let fields = Self.safeFields.filter { !childFields.contains($0) }
            var used = Set<String>()
            for _ in 0..<s.draw(4) {
                let f = fields[s.draw(fields.count)]
                guard used.insert(f).inserted else { continue }
                let value: Skeleton
                switch s.draw(6) {
                case 4: value = .seq(list(&s, max: 2) { _ in .text(.hole(.value)) })
                case 5: value = userMap(&s)
                default: value = .text(.hole(.value))
                }
                entries.append((.fixed(f), value))
            }
            if depth < maxComponentDepth {
                for slot in plugin.children where s.chance(2) {
                    guard case .field = slot.path.first else { continue }
                    let built = build(slot.path[...], slot.kind, depth: depth, &s)
                    entries = merge(entries, mapEntries(built))
                }
            }
            return .map(entries)
        }
    }

    /// The skeleton along `steps` down to components of `kind`.
    func build(_ steps: ArraySlice<ComponentCatalog.PathStep>, _ kind: ComponentKind, depth: Int, _ s: inout State) -> Skeleton {
        guard let first = steps.first else { return component(kind, depth: depth + 1, &s) }
        let rest = steps.dropFirst()
        switch first {
        case .field(let name):
            return .map([(.fixed("\(name)"), build(rest, kind, depth: depth, &s))])
        case .items:
            return .seq(list(&s, max: 2) { build(rest, kind, depth: depth, &$0) })
        case .values:
            s.features.forms.insert("user-keyed map")
            var entries: [(Skeleton.Text, Skeleton)] = []
            for _ in 0..<s.draw(3) { entries.append((.hole(.userKey), build(rest, kind, depth: depth, &s))) }
            return .map(entries)
        }
    }

    /// Free-form user data: keys and values are all the user's.
    func userMap(_ s: inout State) -> Skeleton {
        var entries: [(Skeleton.Text, Skeleton)] = []
        for _ in 0..<s.draw(3) { entries.append((.hole(.userKey), .text(.hole(.value)))) }
        return .map(entries)
    }

    func mapEntries(_ skeleton: Skeleton) -> [(Skeleton.Text, Skeleton)] {
        if case .map(let entries) = skeleton { return entries }
        return []
    }

    /// `more` merged into `entries`: a fixed key already there is merged into when both are
    /// mappings (two child slots under `batching`, say), and dropped otherwise.
    func merge(_ entries: [(Skeleton.Text, Skeleton)], _ more: [(Skeleton.Text, Skeleton)]) -> [(Skeleton.Text, Skeleton)] {
        var out = entries
        for (key, value) in more {
            guard case .fixed(let k) = key,
                  let i = out.firstIndex(where: { if case .fixed(let e) = $0.0 { return e == k } else { return false } })
            else { out.append((key, value)); continue }
            // Two slots under one field (none in the Benthos catalogue): mappings merge, lists
            // concatenate; each slot's walk ignores the other's items, so nothing is lost.
            if case .map(let a) = out[i].1, case .map(let b) = value { out[i].1 = .map(merge(a, b)) }
            if case .seq(let a) = out[i].1, case .seq(let b) = value { out[i].1 = .seq(a + b) }
        }
        return out
    }
}
