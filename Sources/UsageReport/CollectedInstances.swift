import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

/// Collects payload lines, one at a time, into instances: memory grows with the number of
/// distinct instances and distinct component sets, never with the number of lines.
///
/// Payloads are grouped by id; the one with the greatest uptime stands for the instance (at
/// equal uptimes, the smaller content, so the result does not depend on line order). An id
/// whose payloads disagree about the components is counted once as a `conflict`.
public struct ReportBuilder: Sendable {
    public let index: CatalogIndex
    private var reader: PayloadReader
    /// Lines read, payloads accepted, and rejected lines by reason.
    public private(set) var lines = 0
    public private(set) var payloads = 0
    public private(set) var rejected: [RejectionReason: Int] = [:]

    /// Distinct contents (`Content.key`), interned: instances refer to them by number.
    private var contentNumbers: [[UInt64]: Int32] = [:]
    private var contents: [[UInt64]] = []
    private var instances: [PayloadID: Instance] = [:]
    private var splitter = LineSplitter()
    /// LDP payloads, by ε (the mechanism and the catalogue are checked by the reader).
    private var ldpGroups: [UInt64: LDPGroupBuilder] = [:]

    struct Instance: Sendable {
        var uptime: UInt64
        var content: Int32
        var conflicted: Bool
    }

    public init(index: CatalogIndex = CatalogIndex()) {
        self.index = index
        reader = PayloadReader(index: index)
    }

    /// Adds one line (without its `\n`); true if it was accepted (an exact or an LDP payload).
    @discardableResult
    public mutating func add(line: UnsafeBufferPointer<UInt8>) -> Bool {
        lines += 1
        switch reader.read(line) {
        case .rejected(let reason):
            rejected[reason, default: 0] += 1
            return false
        case .exact:
            payloads += 1
            add(reader.payload)
        case .ldp:
            let payload = reader.ldpPayload
            let key = payload.epsilon.bitPattern
            ldpGroups[key, default: LDPGroupBuilder(epsilon: payload.epsilon, width: index.layout.width)].add(payload)
        }
        return true
    }

    /// LDP payloads accepted, in all groups.
    public var ldpPayloads: Int { ldpGroups.values.reduce(0) { $0 + $1.payloads } }

    /// The LDP groups' reports, by ε.
    public func ldpReports(minInstances: Int) -> [LDPGroupReport] {
        ldpGroups.values.sorted { $0.epsilon < $1.epsilon }.compactMap { $0.report(layout: index.layout, minInstances: minInstances) }
    }

    /// Counts a line that was too long to be read (the splitter dropped its bytes).
    public mutating func addTooLongLine() {
        lines += 1
        rejected[.tooLong, default: 0] += 1
    }

    /// Feeds the next chunk of a stream of lines (a file read piece by piece).
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) {
        feed(chunk, accepted: { _ in })
    }

    /// Feeds the next chunk, and gives `accepted` each line of it that was accepted, exactly as
    /// read (without its `\n`; valid only during the call), in order: what `report --accepted`
    /// writes, so that a SQL engine can be loaded with the lines the report counted.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, accepted: (UnsafeBufferPointer<UInt8>) -> Void) {
        var splitter = self.splitter
        splitter.feed(chunk) { line in
            switch line {
            case .bytes(let bytes): if add(line: bytes) { accepted(bytes) }
            case .tooLong: addTooLongLine()
            }
        }
        self.splitter = splitter
    }

    /// Ends the current stream (a file): its last line is read even without a `\n`.
    public mutating func endOfStream() {
        endOfStream(accepted: { _ in })
    }

    /// Ends the current stream, giving `accepted` its last line if that was accepted.
    public mutating func endOfStream(accepted: (UnsafeBufferPointer<UInt8>) -> Void) {
        var splitter = self.splitter
        splitter.finish { line in
            switch line {
            case .bytes(let bytes): if add(line: bytes) { accepted(bytes) }
            case .tooLong: addTooLongLine()
            }
        }
        self.splitter = splitter
    }

    /// Adds a whole text of lines (tests, tools).
    public mutating func add(text: [UInt8]) {
        text.withUnsafeBufferPointer { feed($0) }
        endOfStream()
    }

    /// The content key of an exact payload: its sorted plugin numbers, then a separator, then
    /// each non-zero unlisted and malformed count with its kind. Two payloads agree exactly
    /// when their keys are equal.
    static func key(of payload: ExactPayload) -> [UInt64] {
        var key = payload.plugins.map { UInt64($0) }
        key.append(UInt64.max)
        for k in 0..<CatalogIndex.kinds.count {
            if payload.unlisted[k] > 0 { key.append(UInt64(k)); key.append(payload.unlisted[k]) }
        }
        key.append(UInt64.max)
        for k in 0..<CatalogIndex.kinds.count {
            if payload.malformed[k] > 0 { key.append(UInt64(k)); key.append(payload.malformed[k]) }
        }
        return key
    }

    private mutating func add(_ payload: ExactPayload) {
        let key = ReportBuilder.key(of: payload)
        let number: Int32
        if let known = contentNumbers[key] {
            number = known
        } else {
            number = Int32(contents.count)
            contentNumbers[key] = number
            contents.append(key)
        }
        guard var instance = instances[payload.id] else {
            instances[payload.id] = Instance(uptime: payload.uptime, content: number, conflicted: false)
            return
        }
        if instance.content != number {
            instance.conflicted = true
            let newer = payload.uptime > instance.uptime
                || (payload.uptime == instance.uptime && key.lexicographicallyPrecedes(contents[Int(instance.content)]))
            if newer { instance.content = number }
        }
        instance.uptime = max(instance.uptime, payload.uptime)
        instances[payload.id] = instance
    }

    /// How many instances (distinct ids of exact payloads) were read.
    public var instanceCount: Int { instances.count }

    /// The ids of the instances read.
    public var instanceIDs: [PayloadID] { Array(instances.keys) }

    /// Keeps only the instances whose id `keep` accepts (a ledger leaves out those whose spend
    /// would pass its cap); the lines and rejections read stay as they were.
    public mutating func keepInstances(where keep: (PayloadID) -> Bool) {
        instances = instances.filter { keep($0.key) }
    }

    /// The aggregates over the instances, before any threshold (see `UsageReport`, which is
    /// what gets published).
    public func aggregates() -> Aggregates {
        let n = index.count
        var weights = [Int](repeating: 0, count: contents.count)
        var agg = Aggregates(pluginCount: n)
        for instance in instances.values {
            weights[Int(instance.content)] += 1
            agg.uptime[UptimeBucket(seconds: instance.uptime).rawValue] += 1
            if instance.conflicted { agg.conflicts += 1 }
        }
        agg.instances = instances.count
        var distinct: [Int] = []
        for (c, key) in contents.enumerated() where weights[c] > 0 {
            let w = weights[c]
            distinct.removeAll(keepingCapacity: true)
            var i = 0
            while i < key.count, key[i] != UInt64.max {
                let p = Int(key[i])
                agg.components[p] += w
                if distinct.last != p { distinct.append(p) }
                i += 1
            }
            for p in distinct { agg.pluginInstances[p] += w }
            for x in 0..<distinct.count {
                for y in (x + 1)..<max(x + 1, distinct.count) {
                    agg.addPair(distinct[x], distinct[y], w)
                }
            }
            i += 1
            var section = 0  // 0: unlisted, 1: malformed
            while i < key.count {
                if key[i] == UInt64.max { section = 1; i += 1; continue }
                let kind = Int(key[i])
                if section == 0 { agg.unlisted[kind] += w } else { agg.malformed[kind] += w }
                i += 2
            }
        }
        return agg
    }

    /// The aggregates with each instance's contribution bounded, for a differentially private
    /// release: an instance keeps at most `bounds.maxPlugins` distinct plugins (a uniformly random
    /// subset, drawn from `g`, when it has more), so at most C(C, 2) pairs; its components of a
    /// plugin count at most `bounds.maxComponents`; it sits in one uptime bucket, has at most one
    /// unlisted and one malformed flag per kind and at most one conflict flag. `cut` is how many
    /// instances lost plugins to the bound (for the operator, never published).
    public func boundedAggregates<G: RandomNumberGenerator>(bounds: ContributionBounds, using g: inout G)
        -> (aggregates: Aggregates, cut: Int)
    {
        var weights = [Int](repeating: 0, count: contents.count)
        var agg = Aggregates(pluginCount: index.count)
        for instance in instances.values {
            weights[Int(instance.content)] += 1
            agg.uptime[UptimeBucket(seconds: instance.uptime).rawValue] += 1
            if instance.conflicted { agg.conflicts += 1 }
        }
        agg.instances = instances.count
        var cut = 0
        var distinct: [Int] = []
        var counts: [Int] = []
        var kept: [Int] = []
        for (c, key) in contents.enumerated() where weights[c] > 0 {
            let w = weights[c]
            distinct.removeAll(keepingCapacity: true)
            counts.removeAll(keepingCapacity: true)
            var i = 0
            while i < key.count, key[i] != UInt64.max {
                let p = Int(key[i])
                if distinct.last == p { counts[counts.count - 1] += 1 } else { distinct.append(p); counts.append(1) }
                i += 1
            }
            i += 1
            var section = 0
            while i < key.count {
                if key[i] == UInt64.max { section = 1; i += 1; continue }
                let kind = Int(key[i])
                if section == 0 { agg.unlisted[kind] += w } else { agg.malformed[kind] += w }
                i += 2
            }
            if distinct.count <= bounds.maxPlugins {
                agg.addBounded(distinct.indices, distinct, counts, bounds, weight: w)
            } else {
                cut += w
                for _ in 0..<w {
                    // A uniformly random subset of maxPlugins positions: a partial Fisher–Yates
                    // shuffle, then sorted so that pairs keep a < b.
                    kept = Array(distinct.indices)
                    for j in 0..<bounds.maxPlugins {
                        let r = j + Int(g.next(upperBound: UInt64(kept.count - j)))
                        kept.swapAt(j, r)
                    }
                    kept.removeLast(kept.count - bounds.maxPlugins)
                    kept.sort()
                    agg.addBounded(kept, distinct, counts, bounds, weight: 1)
                }
            }
        }
        return (agg, cut)
    }

    /// The report: aggregates with the threshold applied.
    public func report(minInstances: Int = UsageReport.defaultMinInstances) -> UsageReport {
        UsageReport(aggregates: aggregates(), index: index, minInstances: minInstances,
                    lines: lines, payloads: payloads, rejected: rejected,
                    ldp: ldpReports(minInstances: max(1, minInstances)))
    }
}

/// How long instances had been running at their last payload.
public enum UptimeBucket: Int, CaseIterable, Sendable {
    case underHour, underDay, underWeek, longer

    public init(seconds: UInt64) {
        switch seconds {
        case ..<3_600: self = .underHour
        case ..<86_400: self = .underDay
        case ..<604_800: self = .underWeek
        default: self = .longer
        }
    }

    /// The bucket's key in the report's JSON and CSV.
    public var key: String {
        switch self {
        case .underHour: "under_1h"
        case .underDay: "under_1d"
        case .underWeek: "under_1w"
        case .longer: "longer"
        }
    }

    /// The bucket for people.
    public var label: String {
        switch self {
        case .underHour: "< 1 hour"
        case .underDay: "< 1 day"
        case .underWeek: "< 1 week"
        case .longer: "1 week or more"
        }
    }
}

/// Counts over instances, before the threshold: not for publishing as they are.
public struct Aggregates: Sendable, Equatable {
    public var instances = 0
    public var conflicts = 0
    public var uptime = [Int](repeating: 0, count: UptimeBucket.allCases.count)
    /// Per plugin number: instances using it, and components in all instances.
    public var pluginInstances: [Int]
    public var components: [Int]
    /// Per kind number: instances with unlisted (malformed) components of that kind.
    public var unlisted = [Int](repeating: 0, count: CatalogIndex.kinds.count)
    public var malformed = [Int](repeating: 0, count: CatalogIndex.kinds.count)
    /// Instances using both plugins of a pair, keyed by `pairKey(a, b)` with a < b.
    public var pairs: [UInt64: Int] = [:]

    public init(pluginCount: Int) {
        pluginInstances = [Int](repeating: 0, count: pluginCount)
        components = [Int](repeating: 0, count: pluginCount)
    }

    public static func pairKey(_ a: Int, _ b: Int) -> UInt64 {
        UInt64(min(a, b)) << 32 | UInt64(max(a, b))
    }

    /// Adds the plugins at `positions` of `distinct` (sorted plugin numbers, with their
    /// component counts), components clipped, and their pairs, `weight` times.
    mutating func addBounded<S: Collection>(_ positions: S, _ distinct: [Int], _ counts: [Int],
                                            _ bounds: ContributionBounds, weight w: Int) where S.Element == Int {
        let chosen = positions.map { distinct[$0] }
        for position in positions {
            let p = distinct[position]
            pluginInstances[p] += w
            components[p] += min(counts[position], bounds.maxComponents) * w
        }
        for x in 0..<chosen.count {
            for y in (x + 1)..<max(x + 1, chosen.count) { addPair(chosen[x], chosen[y], w) }
        }
    }

    mutating func addPair(_ a: Int, _ b: Int, _ w: Int) {
        pairs[Aggregates.pairKey(a, b), default: 0] += w
    }
}
