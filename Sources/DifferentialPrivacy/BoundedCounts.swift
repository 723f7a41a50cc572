/// One group of counts released with one noise scale: how many counts (coordinates) it has, the
/// largest squared L2 norm one contributor may add to it (Δ², an integer: the sensitivity), and
/// its share of the release's ρ.
public struct CountGroup: Sendable, Equatable {
    /// For messages and the ledger (`plugins`, `pairs`).
    public let name: String
    public let coordinates: Int
    /// Δ²: adding or removing one contributor changes this group's vector of sums by a vector
    /// whose squared L2 norm is at most this.
    public let sensitivitySquared: Int
    /// The fraction of ρ this group's noise is calibrated to (the groups' shares add up to at
    /// most 1).
    public let budgetShare: Double

    public init(name: String, coordinates: Int, sensitivitySquared: Int, budgetShare: Double) {
        self.name = name
        self.coordinates = coordinates
        self.sensitivitySquared = sensitivitySquared
        self.budgetShare = budgetShare
    }
}

/// One contributor's counts: per group, the coordinates it adds to and by how much. Built by the
/// caller's bounding step (which chooses what to keep), checked by `BoundedCounts.add`.
public struct Contribution: Sendable {
    struct Entry: Sendable {
        var group: Int
        var coordinate: Int
        var amount: Int
    }
    var entries: [Entry] = []

    public init() {}

    /// Adds `amount` at `coordinate` of group number `group`. Entries are given in order: by
    /// group, then by coordinate, each coordinate once (`BoundedCounts.add` refuses others).
    public mutating func add(_ amount: Int, at coordinate: Int, inGroup group: Int) {
        entries.append(Entry(group: group, coordinate: coordinate, amount: amount))
    }
}

/// Why a contribution or attested sums were refused.
public enum BoundError: Error, Equatable, CustomStringConvertible {
    /// The contribution's squared L2 norm in `group` is over the group's declared Δ².
    case exceedsBound(group: String, normSquared: Int, sensitivitySquared: Int)
    /// A group or coordinate out of range, entries out of order or repeated, a negative amount,
    /// sums of the wrong shape, or a sum past 2^62.
    case malformed(String)

    public var description: String {
        switch self {
        case let .exceedsBound(group, norm, bound):
            "a contribution to \(group) has squared L2 norm \(norm), over the declared sensitivity Δ² = \(bound)"
        case .malformed(let why): why
        }
    }
}

/// Sums over contributors whose per-contributor L2 norm in each group is bounded: the only input
/// `NoisyCounts.release` takes, so no count meets noise before its contribution was bounded.
///
/// There are two ways to make one, and the guarantee of a release rests on which:
/// - `init(groups:)`, then `add(_:count:)` for each contributor: the bound is **enforced here**.
///   Every contribution is checked against each group's Δ² before it is summed, and refused
///   (nothing added) when over it. `attestation` is nil.
/// - `init(attestedSums:groups:attestation:)`: sums made elsewhere, whose contributions this
///   process never saw (a counts file, a DAP collection whose clients' weight the VDAF's
///   validity proof bounds). The bound is **assumed**; `attestation` says by whom, and travels
///   with the release.
public struct BoundedCounts: Sendable, Equatable {
    public let groups: [CountGroup]
    /// Per group, its sums (exact: not for publication).
    public private(set) var sums: [[Int]]
    /// Nil when every contribution was checked by `add`; else who bounds the contributions.
    public let attestation: String?

    /// Empty sums for `groups`.
    public init(groups: [CountGroup]) {
        self.groups = groups
        sums = groups.map { [Int](repeating: 0, count: max(0, $0.coordinates)) }
        attestation = nil
    }

    /// Sums whose per-contributor bound this process cannot check: `attestation` names who
    /// bounds them (for example "DAP: Prio3MultihotCountVec, at most 15 bits a report"). Refused
    /// unless `sums` has each group's shape and no sum is negative or past 2^62.
    public init(attestedSums sums: [[Int]], groups: [CountGroup], attestation: String) throws(BoundError) {
        guard sums.count == groups.count else { throw .malformed("\(sums.count) groups of sums for \(groups.count) groups") }
        for (values, group) in zip(sums, groups) {
            guard values.count == group.coordinates else {
                throw .malformed("\(group.name): \(values.count) sums for \(group.coordinates) coordinates")
            }
            guard values.allSatisfy({ $0 >= 0 && $0 <= BoundedCounts.maxSum }) else {
                throw .malformed("\(group.name): a sum is negative or past 2^62")
            }
        }
        self.groups = groups
        self.sums = sums
        self.attestation = attestation
    }

    static let maxSum = 1 << 62

    /// The bounding step: adds `contribution` as `count` contributors' (each the same), after
    /// checking, group by group, that its squared L2 norm is at most the group's Δ² and that its
    /// entries are in range, in order, non-negative. On any refusal nothing is added.
    public mutating func add(_ contribution: Contribution, count: Int = 1) throws(BoundError) {
        guard count >= 1 else { throw .malformed("a contribution added \(count) times") }
        var norm = 0
        var previous: (group: Int, coordinate: Int) = (-1, -1)
        let entries = contribution.entries
        for (i, e) in entries.enumerated() {
            guard e.group >= 0, e.group < groups.count, e.coordinate >= 0, e.coordinate < groups[e.group].coordinates else {
                throw .malformed("an entry out of range (group \(e.group), coordinate \(e.coordinate))")
            }
            guard (e.group, e.coordinate) > previous else { throw .malformed("entries out of order or repeated in \(groups[e.group].name)") }
            guard e.amount >= 0, e.amount <= 1 << 20 else { throw .malformed("an amount of \(e.amount) in \(groups[e.group].name)") }
            if e.group != previous.group { norm = 0 }
            norm += e.amount * e.amount
            previous = (e.group, e.coordinate)
            let last = i + 1 == entries.count || entries[i + 1].group != e.group
            if last && norm > groups[e.group].sensitivitySquared {
                throw .exceedsBound(group: groups[e.group].name, normSquared: norm, sensitivitySquared: groups[e.group].sensitivitySquared)
            }
        }
        for e in entries {
            let (added, o1) = e.amount.multipliedReportingOverflow(by: count)
            let (sum, o2) = sums[e.group][e.coordinate].addingReportingOverflow(added)
            guard !o1, !o2, sum <= BoundedCounts.maxSum else { throw .malformed("a sum past 2^62 in \(groups[e.group].name)") }
        }
        for e in entries { sums[e.group][e.coordinate] += e.amount * count }
    }
}
