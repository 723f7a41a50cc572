/// Walks a parsed config as the catalogue says, and only as it says.
///
/// A key is read as a plugin name only where the catalogue says a component sits, and only by
/// looking it up in the catalogue; labels, keys of user-keyed maps, resource names and every
/// scalar value are never read (the legacy `type` value is looked up, never copied). Iterative,
/// with an explicit stack, so a tree of any depth is safe. It reads the flat `YAMLDocument`
/// directly: keys are compared with catalogue names as bytes, and no tree is built.
struct ConfigWalker {
    let catalog: ComponentCatalog
    let source: Int
    let doc: YAMLDocument
    var usage = ComponentUsage()
    /// Collected only when explaining.
    var findings: [ComponentFinding]?

    private struct Work {
        var node: YAMLDocument.Node
        var steps: ArraySlice<ComponentCatalog.PathStep>
        var kind: ComponentKind
        var path: String
    }

    private var stack: [Work] = []
    init(catalog: ComponentCatalog, source: Int, document: YAMLDocument, explaining: Bool) {
        self.catalog = catalog
        self.source = source
        self.doc = document
        self.findings = explaining ? [] : nil
    }

    /// Walks one document from its root, following `slots` (a layout of the catalogue).
    mutating func walk(_ root: YAMLDocument.Node, slots: [ComponentCatalog.Slot]) {
        // A document that is not a mapping is not a config at all; there is nothing to count.
        guard doc.isMapping(root) else { return }
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
        if doc.isNull(work.node) { return }  // an optional field left empty
        switch step {
        case .field(let name):
            guard doc.isMapping(work.node) else { return wrongShape(work) }
            guard let value = doc.value(of: name, in: work.node) else { return }
            stack.append(Work(node: value, steps: rest, kind: work.kind, path: explaining ? join(work.path, name.description) : ""))
        case .items:
            guard doc.isSequence(work.node) else { return wrongShape(work) }
            let items = Array(doc.children(work.node))
            for (i, item) in items.enumerated().reversed() {
                stack.append(Work(node: item, steps: rest, kind: work.kind, path: explaining ? work.path + "[\(i)]" : ""))
            }
        case .values:
            guard doc.isMapping(work.node) else { return wrongShape(work) }
            let values = doc.pairs(work.node).map(\.value)
            for value in values.reversed() {
                stack.append(Work(node: value, steps: rest, kind: work.kind, path: join(work.path, "*")))
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

    private mutating func record(_ path: String, _ node: YAMLDocument.Node, _ kind: ComponentKind, _ outcome: ComponentFinding.Outcome) {
        guard findings != nil else { return }
        findings?.append(ComponentFinding(source: source, path: path, mark: doc.mark(node), kind: kind, outcome: outcome))
    }

    /// A component of `kind` at `node`: which plugin it is, then its children.
    private mutating func component(_ node: YAMLDocument.Node, kind: ComponentKind, path: String) {
        if doc.isNull(node) { return }  // absent: the host's default applies
        guard doc.isMapping(node) else {
            usage.countMalformed(kind)
            record(path, node, kind, .malformed(.notAMapping))
            return
        }
        let typeKey = catalog.typeField
        var typeValue: YAMLDocument.Node?
        var found: PluginName?
        var config: YAMLDocument.Node?
        var known = 0
        var unknown = 0
        for pair in doc.pairs(node) {
            guard doc.isScalar(pair.key) else { unknown += 1; continue }
            if let typeKey, doc.scalar(pair.key, equals: typeKey) {
                typeValue = pair.value
                continue
            }
            let catalog = self.catalog
            switch doc.withScalarBytes(pair.key, { catalog.role(ofBytes: $0, kind: kind) }) {
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
            guard !doc.isNull(typeValue), doc.isScalar(typeValue), let text = doc.scalarString(typeValue), !text.isEmpty else {
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
            config = doc.value(of: name.text, in: node) ?? catalog.pluginConfigField.flatMap { doc.value(of: $0, in: node) }
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
