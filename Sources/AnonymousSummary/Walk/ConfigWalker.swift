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
    /// What was found. Plugins are tallied by catalogue position while walking (no hashing per
    /// component) and added to `usage` at the end of `walk`.
    var usage = ComponentUsage()
    private var tally: [Int32] = []
    private var tallied: [Int] = []
    /// Collected only when explaining.
    var findings: [ComponentFinding]?

    /// One step of work: follow the route's steps from `step` to `end` (positions in `steps`)
    /// from `node`, then read a component of `kind`. Plain numbers, so the stack costs no
    /// reference counting; the path for `explain` is kept apart (`labels`), only when explaining.
    private struct Work {
        var node: YAMLDocument.Node
        var step: Int32
        var end: Int32
        var kind: ComponentKind
        var label: Int32
    }

    private var stack: [Work] = []
    /// The catalogue's routes (`steps` are the positions `Work` refers to).
    private let routes: RouteTable
    private var labels: [String] = []

    private mutating func label(_ text: String) -> Int32 {
        guard explaining else { return -1 }
        labels.append(text)
        return Int32(labels.count - 1)
    }

    private func labelText(_ i: Int32) -> String { i >= 0 ? labels[Int(i)] : "" }
    init(catalog: ComponentCatalog, source: Int, document: YAMLDocument, explaining: Bool) {
        self.catalog = catalog
        self.source = source
        self.doc = document
        self.routes = catalog.routes
        self.findings = explaining ? [] : nil
    }

    /// Walks one document from its root, following `slots` (a layout of the catalogue).
    mutating func walk(_ root: YAMLDocument.Node, routes top: [RouteTable.Route]) {
        // A document that is not a mapping is not a config at all; there is nothing to count.
        guard doc.isMapping(root) else { return }
        let empty = label("")
        for route in top.reversed() {
            stack.append(Work(node: root, step: route.start, end: route.end, kind: route.kind, label: empty))
        }
        while let work = stack.popLast() {
            follow(work)
        }
        for i in tallied {
            usage.count(PluginName(kind: catalog.plugins[i].kind, text: catalog.plugins[i].name), times: Int(tally[i]))
            tally[i] = 0
        }
        tallied.removeAll()
    }

    private mutating func follow(_ work: Work) {
        guard work.step < work.end else {
            component(work.node, kind: work.kind, label: work.label)
            return
        }
        let step = routes.steps[Int(work.step)]
        var next = work
        next.step += 1
        if doc.isNull(work.node) { return }  // an optional field left empty
        switch step {
        case .field(let name):
            guard doc.isMapping(work.node) else { return wrongShape(work) }
            guard let value = doc.value(of: name, in: work.node) else { return }
            next.node = value
            if explaining { next.label = label(join(labelText(work.label), name.description)) }
            stack.append(next)
        case .items:
            guard doc.isSequence(work.node) else { return wrongShape(work) }
            // Pushed in order, then that part of the stack reversed: popped in document order.
            let base = stack.count
            for (i, item) in doc.children(work.node).enumerated() {
                next.node = item
                if explaining { next.label = label(labelText(work.label) + "[\(i)]") }
                stack.append(next)
            }
            stack[base...].reverse()
        case .values:
            guard doc.isMapping(work.node) else { return wrongShape(work) }
            let base = stack.count
            if explaining { next.label = label(join(labelText(work.label), "*")) }
            for pair in doc.pairs(work.node) {
                next.node = pair.value
                stack.append(next)
            }
            stack[base...].reverse()
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
        record(labelText(work.label), work.node, work.kind, .malformed(.wrongShape))
    }

    private mutating func record(_ path: String, _ node: YAMLDocument.Node, _ kind: ComponentKind, _ outcome: ComponentFinding.Outcome) {
        guard findings != nil else { return }
        findings?.append(ComponentFinding(source: source, path: path, mark: doc.mark(node), kind: kind, outcome: outcome))
    }

    /// A component of `kind` at `node`: which plugin it is, then its children.
    private mutating func component(_ node: YAMLDocument.Node, kind: ComponentKind, label: Int32) {
        let path = labelText(label)
        if doc.isNull(node) { return }  // absent: the host's default applies
        guard doc.isMapping(node) else {
            usage.countMalformed(kind)
            record(path, node, kind, .malformed(.notAMapping))
            return
        }
        let typeKey = catalog.typeField
        var typeValue: YAMLDocument.Node?
        var found: PluginName?
        var foundIndex: Int?
        var config: YAMLDocument.Node?
        var known = 0
        var unknown = 0
        let table = catalog.roleTable(for: kind)
        for pair in doc.pairs(node) {
            guard doc.isScalar(pair.key) else { unknown += 1; continue }
            if let typeKey, doc.scalar(pair.key, equals: typeKey) {
                typeValue = pair.value
                continue
            }
            let catalog = self.catalog
            switch doc.withScalarBytes(pair.key, { catalog.role(ofBytes: $0, kind: kind, table: table) }) {
            case .reserved: continue
            case .plugin(let name, let i):
                known += 1
                found = name
                foundIndex = i
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
            // The named plugin, whatever plugin keys sit beside `type` (their configs unused).
            found = name
            foundIndex = catalog.pluginIndex(name)
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
        if let i = foundIndex {
            if tally.isEmpty { tally = [Int32](repeating: 0, count: catalog.plugins.count) }
            if tally[i] == 0 { tallied.append(i) }
            tally[i] += 1
        } else {
            usage.count(plugin)
        }
        record(path, node, kind, .counted(plugin))

        // Children: first the plugin's own fields, then the reserved ones (processors on
        // inputs and outputs), pushed in reverse so they are visited in document-ish order.
        let pluginLabel = explaining ? self.label(join(path, plugin.name)) : -1
        if let config, let i = foundIndex {
            for route in routes.plugin[i].reversed() {
                stack.append(Work(node: config, step: route.start, end: route.end, kind: route.kind, label: pluginLabel))
            }
        }
        for route in routes.reserved[kind.order].reversed() {
            stack.append(Work(node: node, step: route.start, end: route.end, kind: route.kind, label: label))
        }
    }
}
