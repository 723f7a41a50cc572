import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

/// What the report publishes: the aggregates with the k-threshold applied.
///
/// Built once from `Aggregates`; every count below `minInstances` is replaced here by
/// `.belowThreshold`, and pairs below it are dropped, so no format can print a number the
/// threshold withholds: the renderers only ever see this value.
public struct ExactReport: Sendable {
    public static let defaultMinInstances = 10
    /// The first line of every format of the exact view.
    public static let notice = "NOT FOR PUBLICATION: exact figures for the operator; reports can be differenced and faked into, so publish only the private release (the default)"

    /// A published count, or the fact that it rests on fewer than `minInstances` instances.
    public enum Figure: Sendable, Equatable {
        case count(Int)
        case belowThreshold

        public var value: Int? {
            if case .count(let n) = self { return n }
            return nil
        }
    }

    public struct PluginFigure: Sendable {
        public var plugin: PluginName
        /// Instances using it (at least `minInstances`).
        public var instances: Int
        public var share: Double
        /// Components of this plugin in those instances, all together.
        public var components: Int
    }

    public struct KindFigure: Sendable {
        public var kind: ComponentKind
        /// Instances with unlisted (malformed) components of this kind; nil when none have any.
        public var unlisted: Figure?
        public var malformed: Figure?
    }

    public struct PairFigure: Sendable {
        public var a: PluginName
        public var b: PluginName
        /// Instances using both (at least `minInstances`).
        public var instances: Int
        /// P(A and B) / (P(A) P(B)): above 1, they go together more often than chance.
        public var lift: Double
        /// Share of A's instances that also use B, and of B's that also use A.
        public var confidenceAB: Double
        public var confidenceBA: Double
    }

    /// How many figures the threshold withheld, by what they were.
    public struct Suppressed: Sendable, Equatable {
        public var plugins = 0
        public var pairs = 0
        public var kindCounts = 0
        public var uptimeBuckets = 0
        /// LDP groups of fewer than K instances (not published at all).
        public var ldpGroups = 0
        public var total: Int { plugins + pairs + kindCounts + uptimeBuckets + ldpGroups }
    }

    public let minInstances: Int
    /// Lines read; of them, payloads accepted; the others by reason.
    public let lines: Int
    public let payloads: Int
    public let rejected: [RejectionReason: Int]
    /// Distinct instance ids; ids whose payloads disagreed.
    public let instances: Int
    public let conflicts: Int
    public let uptime: [Figure]
    /// Published plugins, by kind, then by instances (most first), then name.
    public let plugins: [PluginFigure]
    /// Plugins used by at least one but fewer than `minInstances` instances: named, never counted.
    public let pluginsBelowThreshold: [PluginName]
    public let kinds: [KindFigure]
    /// Published pairs, by lift (highest first), then instances.
    public let pairs: [PairFigure]
    public let suppressed: Suppressed
    /// LDP payloads, by (mechanism, ε, catalogue), apart from the exact ones.
    public let ldp: [LDPGroupReport]

    package init(aggregates agg: Aggregates, index: CatalogIndex, minInstances: Int,
                lines: Int, payloads: Int, rejected: [RejectionReason: Int], ldp: [LDPGroupReport] = []) {
        let k = max(1, minInstances)
        self.minInstances = k
        self.lines = lines
        self.payloads = payloads
        var rejected = rejected
        let allConflicts = agg.conflicts + ldp.reduce(0) { $0 + $1.conflicts }
        if allConflicts > 0 { rejected[.conflict] = allConflicts }
        self.ldp = ldp
        self.rejected = rejected
        instances = agg.instances
        conflicts = agg.conflicts
        var suppressed = Suppressed()
        suppressed.ldpGroups = ldp.filter { !$0.published }.count
        // Zero is published: it rests on no instance.
        func figure(_ n: Int, _ counter: inout Int) -> Figure {
            if n >= k || n == 0 { return .count(n) }
            counter += 1
            return .belowThreshold
        }
        uptime = agg.uptime.map { n in figure(n, &suppressed.uptimeBuckets) }
        let n = Double(max(agg.instances, 1))
        var plugins: [PluginFigure] = []
        var below: [PluginName] = []
        for (p, count) in agg.pluginInstances.enumerated() where count > 0 {
            if count >= k {
                plugins.append(PluginFigure(plugin: index.names[p], instances: count, share: Double(count) / n,
                                            components: agg.components[p]))
            } else {
                suppressed.plugins += 1
                below.append(index.names[p])
            }
        }
        plugins.sort { x, y in
            if x.plugin.kind != y.plugin.kind { return x.plugin.kind < y.plugin.kind }
            if x.instances != y.instances { return x.instances > y.instances }
            return x.plugin < y.plugin
        }
        self.plugins = plugins
        pluginsBelowThreshold = below
        var kinds: [KindFigure] = []
        for (i, kind) in CatalogIndex.kinds.enumerated() {
            let unlisted = agg.unlisted[i] > 0 ? figure(agg.unlisted[i], &suppressed.kindCounts) : nil
            let malformed = agg.malformed[i] > 0 ? figure(agg.malformed[i], &suppressed.kindCounts) : nil
            if unlisted != nil || malformed != nil {
                kinds.append(KindFigure(kind: kind, unlisted: unlisted, malformed: malformed))
            }
        }
        self.kinds = kinds
        var pairs: [PairFigure] = []
        for (key, both) in agg.pairs where both > 0 {
            guard both >= k else { suppressed.pairs += 1; continue }
            let a = Int(key >> 32), b = Int(key & 0xFFFF_FFFF)
            // At least 1: counts made elsewhere (a counts file, a library caller) need not be
            // consistent, and no figure may come out infinite.
            let na = Double(max(1, agg.pluginInstances[a])), nb = Double(max(1, agg.pluginInstances[b]))
            let ab = Double(both)
            pairs.append(PairFigure(a: index.names[a], b: index.names[b], instances: both,
                                    lift: ab * n / (na * nb), confidenceAB: ab / na, confidenceBA: ab / nb))
        }
        pairs.sort { x, y in
            if x.lift != y.lift { return x.lift > y.lift }
            if x.instances != y.instances { return x.instances > y.instances }
            return (x.a, x.b) < (y.a, y.b)
        }
        self.pairs = pairs
        self.suppressed = suppressed
    }

    /// What goes with `plugin`: the published pairs that include it, turned so that `a` is
    /// `plugin`, by confidence (share of its instances that also use the other), highest first.
    public func pairs(with plugin: PluginName) -> [PairFigure] {
        var result: [PairFigure] = []
        for pair in pairs {
            if pair.a == plugin {
                result.append(pair)
            } else if pair.b == plugin {
                result.append(PairFigure(a: pair.b, b: pair.a, instances: pair.instances, lift: pair.lift,
                                         confidenceAB: pair.confidenceBA, confidenceBA: pair.confidenceAB))
            }
        }
        result.sort { x, y in
            if x.confidenceAB != y.confidenceAB { return x.confidenceAB > y.confidenceAB }
            if x.instances != y.instances { return x.instances > y.instances }
            return x.b < y.b
        }
        return result
    }

    /// The published figure for `plugin`: its count, `.belowThreshold`, or nil if no instance uses it.
    public func figure(for plugin: PluginName) -> Figure? {
        if let found = plugins.first(where: { $0.plugin == plugin }) { return .count(found.instances) }
        if pluginsBelowThreshold.contains(plugin) { return .belowThreshold }
        return nil
    }
}
