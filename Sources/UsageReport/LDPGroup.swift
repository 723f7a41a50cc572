import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

/// LDP payloads of one (mechanism, ε, catalogue), grouped by instance as exact ones are:
/// the payload with the greatest uptime stands (at equal uptimes, the smaller bits), and an id
/// whose payloads disagree counts as a conflict. Never mixed with exact payloads.
struct LDPGroupBuilder: Sendable {
    let epsilon: Double
    let words: Int
    private(set) var payloads = 0
    private var arena: [UInt64] = []
    private var instances: [PayloadID: Instance] = [:]

    struct Instance: Sendable {
        var uptime: UInt64
        var slot: Int
        var conflicted: Bool
    }

    init(epsilon: Double, width: Int) {
        self.epsilon = epsilon
        words = (width + 63) / 64
    }

    mutating func add(_ payload: LDPPayload) {
        payloads += 1
        guard var instance = instances[payload.id] else {
            instances[payload.id] = Instance(uptime: payload.uptime, slot: arena.count / words, conflicted: false)
            arena.append(contentsOf: payload.bits)
            return
        }
        let start = instance.slot * words
        let stored = arena[start..<(start + words)]
        if !stored.elementsEqual(payload.bits) {
            instance.conflicted = true
            if payload.uptime > instance.uptime
                || (payload.uptime == instance.uptime && payload.bits.lexicographicallyPrecedes(stored)) {
                arena.replaceSubrange(start..<(start + words), with: payload.bits)
            }
        }
        instance.uptime = max(instance.uptime, payload.uptime)
        instances[payload.id] = instance
    }

    /// Estimates for every bit and every pair of plugin bits.
    func report(layout: PluginLayout, minInstances k: Int) -> LDPGroupReport? {
        guard let mechanism = OptimizedUnaryEncoding(epsilon: epsilon) else { return nil }
        let n = instances.count
        let width = layout.width
        let plugins = layout.plugins.count
        var ones = [Int](repeating: 0, count: width)
        var both = [Int32](repeating: 0, count: plugins * plugins)
        var set: [Int] = []
        var conflicts = 0
        for instance in instances.values {
            if instance.conflicted { conflicts += 1 }
            set.removeAll(keepingCapacity: true)
            let start = instance.slot * words
            for w in 0..<words {
                var word = arena[start + w]
                while word != 0 {
                    let bit = w * 64 + word.trailingZeroBitCount
                    word &= word - 1
                    ones[bit] += 1
                    if bit < plugins { set.append(bit) }
                }
            }
            for x in 0..<set.count {
                let row = set[x] * plugins
                for y in (x + 1)..<max(x + 1, set.count) { both[row + set[y]] &+= 1 }
            }
        }
        var group = LDPGroupReport(mechanism: mechanism, fingerprint: layout.fingerprint, instances: n,
                                   payloads: payloads, conflicts: conflicts, published: n >= k)
        guard group.published else { return group }
        // Simultaneous intervals decide what is distinguishable from 0: one family for the bits
        // (plugins and unlisted kinds), one for the pairs.
        let bitZ = LDPEstimator.simultaneousZ(count: width)
        let pairZ = LDPEstimator.simultaneousZ(count: plugins * (plugins - 1) / 2)
        func share(_ bit: Int) -> LDPEstimate {
            var e = LDPEstimator.share(ones: ones[bit], of: n, mechanism: mechanism)
            e.familyZ = bitZ
            return e
        }
        for (i, name) in layout.plugins.enumerated() {
            group.plugins.append(.init(plugin: name, estimate: share(i)))
        }
        for (j, kind) in layout.kinds.enumerated() {
            group.unlisted.append(.init(kind: kind, estimate: share(plugins + j)))
        }
        group.bitZ = bitZ
        group.pairZ = pairZ
        for a in 0..<plugins {
            for b in (a + 1)..<max(a + 1, plugins) {
                let n11 = Int(both[a * plugins + b])
                let n10 = ones[a] - n11, n01 = ones[b] - n11
                var estimate = LDPEstimator.pairShare(n11: n11, n10: n10, n01: n01, n00: max(0, n - n11 - n10 - n01), mechanism: mechanism)
                estimate.familyZ = pairZ
                if estimate.distinguishableFromZero {
                    group.pairs.append(.init(a: layout.plugins[a], b: layout.plugins[b], estimate: estimate))
                } else {
                    group.pairsNotDistinguishable += 1
                }
            }
        }
        group.pairs.sort { x, y in
            if x.estimate.unbiased != y.estimate.unbiased { return x.estimate.unbiased > y.estimate.unbiased }
            return (x.a, x.b) < (y.a, y.b)
        }
        return group
    }
}

/// What the report publishes for one group of LDP payloads: an unbiased estimate, with a 95%
/// interval, of the share of instances using each plugin, having unlisted components of each
/// kind, and using each pair of plugins (the pairs whose interval excludes 0). A group of
/// fewer than K instances is not published (`published` false, no estimate).
public struct LDPGroupReport: Sendable {
    public struct Plugin: Sendable {
        public var plugin: PluginName
        public var estimate: LDPEstimate
    }

    public struct Unlisted: Sendable {
        public var kind: ComponentKind
        public var estimate: LDPEstimate
    }

    public struct Pair: Sendable {
        public var a: PluginName
        public var b: PluginName
        public var estimate: LDPEstimate
    }

    public let mechanism: OptimizedUnaryEncoding
    public let fingerprint: String
    public let instances: Int
    public let payloads: Int
    public let conflicts: Int
    public let published: Bool
    /// Every catalogue plugin, in catalogue order.
    public internal(set) var plugins: [Plugin] = []
    public internal(set) var unlisted: [Unlisted] = []
    /// Pairs distinguishable from zero, by estimate (highest first).
    public internal(set) var pairs: [Pair] = []
    public internal(set) var pairsNotDistinguishable = 0
    /// The z of the simultaneous 95% intervals that decide "distinguishable from 0", for the
    /// bits (plugins and unlisted kinds) and for the pairs.
    public internal(set) var bitZ = LDPEstimator.z95
    public internal(set) var pairZ = LDPEstimator.z95

    init(mechanism: OptimizedUnaryEncoding, fingerprint: String, instances: Int, payloads: Int, conflicts: Int, published: Bool) {
        self.mechanism = mechanism
        self.fingerprint = fingerprint
        self.instances = instances
        self.payloads = payloads
        self.conflicts = conflicts
        self.published = published
    }
}
