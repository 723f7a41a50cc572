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
public struct CollectedInstances: Sendable {
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
        let key = CollectedInstances.key(of: payload)
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

    /// A content key read back: its distinct plugins (sorted) with their component counts, and
    /// the kinds with unlisted and with malformed components.
    struct ContentParts {
        var plugins: [Int] = []
        var componentCounts: [Int] = []
        var unlisted: [Int] = []
        var malformed: [Int] = []

        mutating func read(_ key: [UInt64]) {
            plugins.removeAll(keepingCapacity: true)
            componentCounts.removeAll(keepingCapacity: true)
            unlisted.removeAll(keepingCapacity: true)
            malformed.removeAll(keepingCapacity: true)
            var i = 0
            while i < key.count, key[i] != UInt64.max {
                let p = Int(key[i])
                if plugins.last == p { componentCounts[componentCounts.count - 1] += 1 } else { plugins.append(p); componentCounts.append(1) }
                i += 1
            }
            i += 1
            var section = 0  // 0: unlisted, 1: malformed
            while i < key.count {
                if key[i] == UInt64.max { section = 1; i += 1; continue }
                if section == 0 { unlisted.append(Int(key[i])) } else { malformed.append(Int(key[i])) }
                i += 2
            }
        }
    }

    /// The aggregates over the instances, before any threshold (see `ExactReport`, which is
    /// what the exact view prints). Unbounded: never the input of a private release.
    package func aggregates() -> Aggregates {
        var weights = [Int](repeating: 0, count: contents.count)
        var agg = Aggregates(pluginCount: index.count)
        for instance in instances.values {
            weights[Int(instance.content)] += 1
            agg.uptime[UptimeBucket(seconds: instance.uptime).rawValue] += 1
            if instance.conflicted { agg.conflicts += 1 }
        }
        agg.instances = instances.count
        var parts = ContentParts()
        for (c, key) in contents.enumerated() where weights[c] > 0 {
            let w = weights[c]
            parts.read(key)
            for (p, n) in zip(parts.plugins, parts.componentCounts) {
                agg.pluginInstances[p] += w
                agg.components[p] += n * w
            }
            for x in parts.plugins.indices {
                for y in (x + 1)..<parts.plugins.count { agg.addPair(parts.plugins[x], parts.plugins[y], w) }
            }
            for k in parts.unlisted { agg.unlisted[k] += w }
            for k in parts.malformed { agg.malformed[k] += w }
        }
        return agg
    }

    /// The instances' counts for a differentially private release, each instance's contribution
    /// bounded by `bounds` then checked against the sensitivities `FigureGroup` declares
    /// (`BoundedCounts.add`): an instance keeps at most `bounds.maxPlugins` distinct plugins (a
    /// uniformly random subset, drawn from `g`, when it has more), so at most C(C, 2) pairs; its
    /// components of a plugin count at most `bounds.maxComponents`; it sits in one uptime bucket,
    /// has at most one unlisted and one malformed flag per kind and at most one conflict flag.
    /// `cut` is how many instances lost plugins to the bound (for the operator, never published).
    public func boundedCounts<G: RandomNumberGenerator>(bounds: ContributionBounds, using g: inout G)
        throws(ReleaseError) -> (counts: BoundedCounts, cut: Int)
    {
        var counts = BoundedCounts(groups: FigureGroup.countGroups(bounds, index: index))
        // Instances with the same content, uptime bucket and conflict flag contribute the same:
        // one check, added as many times (each instance over the bound draws its own subset).
        var weights: [Int: Int] = [:]
        for instance in instances.values {
            let bucket = UptimeBucket(seconds: instance.uptime).rawValue
            weights[Int(instance.content) << 3 | bucket << 1 | (instance.conflicted ? 1 : 0), default: 0] += 1
        }
        var cut = 0
        var parts = ContentParts()
        var partsOf = -1
        var kept: [Int] = []
        for (shape, w) in weights.sorted(by: { $0.key < $1.key }) {
            let content = shape >> 3, bucket = (shape >> 1) & 3, conflicted = shape & 1 == 1
            if content != partsOf { parts.read(contents[content]); partsOf = content }
            do {
                if parts.plugins.count <= bounds.maxPlugins {
                    try counts.add(contribution(parts, kept: Array(parts.plugins.indices), bucket: bucket, conflicted: conflicted, bounds), count: w)
                    continue
                }
                cut += w
                for _ in 0..<w {
                    // A uniformly random subset of maxPlugins positions: a partial Fisher–Yates
                    // shuffle, then sorted so that pairs keep a < b.
                    kept = Array(parts.plugins.indices)
                    for j in 0..<bounds.maxPlugins {
                        let r = j + Int(g.next(upperBound: UInt64(kept.count - j)))
                        kept.swapAt(j, r)
                    }
                    kept.removeLast(kept.count - bounds.maxPlugins)
                    kept.sort()
                    try counts.add(contribution(parts, kept: kept, bucket: bucket, conflicted: conflicted, bounds))
                }
            } catch {
                throw .contributionRefused(error)
            }
        }
        return (counts, cut)
    }

    /// One instance's contribution: the plugins at positions `kept` of `parts`, their components
    /// clipped to `bounds.maxComponents`, their pairs, its kinds' flags, its bucket and conflict.
    private func contribution(_ parts: ContentParts, kept: [Int], bucket: Int, conflicted: Bool,
                              _ bounds: ContributionBounds) -> Contribution {
        var c = Contribution()
        c.add(1, at: 0, inGroup: FigureGroup.instances.position)
        c.add(1, at: bucket, inGroup: FigureGroup.uptime.position)
        if conflicted { c.add(1, at: 0, inGroup: FigureGroup.conflicts.position) }
        for position in kept { c.add(1, at: parts.plugins[position], inGroup: FigureGroup.plugins.position) }
        for position in kept {
            c.add(min(parts.componentCounts[position], bounds.maxComponents), at: parts.plugins[position], inGroup: FigureGroup.components.position)
        }
        for k in parts.unlisted { c.add(1, at: k, inGroup: FigureGroup.kinds.position) }
        for k in parts.malformed { c.add(1, at: CatalogIndex.kinds.count + k, inGroup: FigureGroup.kinds.position) }
        for x in kept.indices {
            for y in kept[(x + 1)...] {
                c.add(1, at: index.pairIndex(parts.plugins[kept[x]], parts.plugins[y]), inGroup: FigureGroup.pairs.position)
            }
        }
        return c
    }

    /// The exact view: aggregates with the threshold applied (not for publication).
    public func exactReport(minInstances: Int = ExactReport.defaultMinInstances) -> ExactReport {
        ExactReport(aggregates: aggregates(), index: index, minInstances: minInstances,
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

/// Counts over instances, unbounded, before the threshold: the exact view's input, never a
/// release's (`package`: a client reaches them only through `ExactReport`).
package struct Aggregates: Sendable, Equatable {
    package var instances = 0
    package var conflicts = 0
    package var uptime = [Int](repeating: 0, count: UptimeBucket.allCases.count)
    /// Per plugin number: instances using it, and components in all instances.
    package var pluginInstances: [Int]
    package var components: [Int]
    /// Per kind number: instances with unlisted (malformed) components of that kind.
    package var unlisted = [Int](repeating: 0, count: CatalogIndex.kinds.count)
    package var malformed = [Int](repeating: 0, count: CatalogIndex.kinds.count)
    /// Instances using both plugins of a pair, keyed by `pairKey(a, b)` with a < b.
    package var pairs: [UInt64: Int] = [:]

    package init(pluginCount: Int) {
        pluginInstances = [Int](repeating: 0, count: pluginCount)
        components = [Int](repeating: 0, count: pluginCount)
    }

    package static func pairKey(_ a: Int, _ b: Int) -> UInt64 {
        UInt64(min(a, b)) << 32 | UInt64(max(a, b))
    }

    mutating func addPair(_ a: Int, _ b: Int, _ w: Int) {
        pairs[Aggregates.pairKey(a, b), default: 0] += w
    }
}
