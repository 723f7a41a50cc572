/// Walks a parsed config as the catalogue says, and only as it says.
///
/// A key is read as a plugin name only where the catalogue says a component sits, and only by
/// looking it up in the catalogue; labels, keys of user-keyed maps, resource names and every
/// scalar value are never read (the legacy `type` value is looked up, never copied). Iterative,
/// with an explicit stack, so a tree of any depth is safe.
struct ConfigWalker {
    let catalog: ComponentCatalog
    let source: Int
    var usage = ComponentUsage()
    /// Collected only when explaining.
    var findings: [ComponentFinding]?

    private struct Work {
        var node: YAMLNode
        var steps: ArraySlice<ComponentCatalog.PathStep>
        var kind: ComponentKind
        var path: String
    }

    private var stack: [Work] = []
    private let typeFieldName: String?

    init(catalog: ComponentCatalog, source: Int, explaining: Bool) {
        self.catalog = catalog
        self.source = source
        self.findings = explaining ? [] : nil
        self.typeFieldName = catalog.typeField?.description
    }

    /// Walks one document from its root, following `slots` (a layout of the catalogue).
    mutating func walk(_ root: YAMLNode, slots: [ComponentCatalog.Slot]) {
        // A document that is not a mapping is not a config at all; there is nothing to count.
        guard root.mappingPairs != nil else { return }
        for slot in slots.reversed() {
            stack.append(Work(node: root, steps: slot.path[...], kind: slot.kind, path: ""))
        }
        while let work = stack.popLast() {
            follow(work)
        }
    }

    private mutating func follow(_ work: Work) {
        guard let step = work.steps.first else {
            component(work.node, kind: work.kind, path: work.path)
            return
        }
        let rest = work.steps.dropFirst()
        if work.node.isNull { return }  // an optional field left empty
        switch step {
        case .field(let name):
            guard let pairs = work.node.mappingPairs else { return wrongShape(work) }
            let key = name.description
            guard let pair = pairs.first(where: { $0.key.scalarValue == key }) else { return }
            stack.append(Work(node: pair.value, steps: rest, kind: work.kind, path: join(work.path, key)))
        case .items:
            guard let items = work.node.sequenceItems else { return wrongShape(work) }
            for (i, item) in items.enumerated().reversed() {
                stack.append(Work(node: item, steps: rest, kind: work.kind, path: explaining ? work.path + "[\(i)]" : ""))
            }
        case .values:
            guard let pairs = work.node.mappingPairs else { return wrongShape(work) }
            for pair in pairs.reversed() {
                stack.append(Work(node: pair.value, steps: rest, kind: work.kind, path: join(work.path, "*")))
            }
        }
    }

    /// Paths are only for `explain`; a plain summary does not pay to build them.
    private var explaining: Bool { findings != nil }

    private func join(_ path: String, _ name: String) -> String {
        guard explaining else { return "" }
        return path.isEmpty ? name : path + "." + name
    }

    private mutating func wrongShape(_ work: Work) {
        usage.countMalformed(work.kind)
        record(work.path, work.node, work.kind, .malformed(.wrongShape))
    }

    private mutating func record(_ path: String, _ node: YAMLNode, _ kind: ComponentKind, _ outcome: ComponentFinding.Outcome) {
        findings?.append(ComponentFinding(source: source, path: path, mark: node.mark, kind: kind, outcome: outcome))
    }

    /// A component of `kind` at `node`: which plugin it is, then its children.
    private mutating func component(_ node: YAMLNode, kind: ComponentKind, path: String) {
        if node.isNull { return }  // absent: the host's default applies
        guard let pairs = node.mappingPairs else {
            usage.countMalformed(kind)
            record(path, node, kind, .malformed(.notAMapping))
            return
        }
        let typeKey = typeFieldName
        var typeValue: YAMLNode?
        var found: PluginName?
        var config: YAMLNode?
        var known = 0
        var unknown = 0
        for pair in pairs {
            guard let key = pair.key.scalarValue else { unknown += 1; continue }
            if key == typeKey {
                typeValue = pair.value
                continue
            }
            switch catalog.role(of: key, kind: kind) {
            case .reserved: continue
            case .plugin(let name):
                known += 1
                found = name
                config = pair.value
            case nil:
                unknown += 1
            }
        }
        if let typeValue {
            // Legacy form: `type: NAME`, config under NAME or under `plugin`.
            // `type:`, `type: ~` and `type: null` are one value, null: not a name.
            guard !typeValue.isNull, case .scalar(let text, _) = typeValue.content, !text.isEmpty else {
                usage.countMalformed(kind)
                record(path, node, kind, .malformed(.typeNotAName))
                return
            }
            guard let name = catalog.plugin(named: text, kind: kind) else {
                usage.countUnlisted(kind)
                record(path, node, kind, .unlisted)
                return
            }
            found = name
            config = node[name.name] ?? catalog.pluginConfigField.flatMap { node[$0.description] }
        } else if known > 1 {
            usage.countMalformed(kind)
            record(path, node, kind, .malformed(.severalPlugins))
            return
        } else if known == 0 {
            if unknown > 0 {
                usage.countUnlisted(kind)
                record(path, node, kind, .unlisted)
            } else {
                usage.countMalformed(kind)
                record(path, node, kind, .malformed(.noPlugin))
            }
            return
        }
        guard let plugin = found else { return }
        usage.count(plugin)
        record(path, node, kind, .counted(plugin))

        // Children: first the plugin's own fields, then the reserved ones (processors on
        // inputs and outputs), pushed in reverse so they are visited in document-ish order.
        let pluginPath = explaining ? join(path, plugin.name) : ""
        if let entry = catalog.pluginEntry(plugin), let config {
            for slot in entry.children.reversed() {
                stack.append(Work(node: config, steps: slot.path[...], kind: slot.kind, path: pluginPath))
            }
        }
        for slot in (catalog.reservedChildren[kind] ?? []).reversed() {
            stack.append(Work(node: node, steps: slot.path[...], kind: slot.kind, path: path))
        }
    }
}
