import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

/// How much one instance may contribute to a private release (applied before any noise).
public struct ContributionBounds: Sendable, Equatable {
    /// C (at least 2, so that pairs exist): distinct plugins an instance contributes (a uniformly random C of them when it has
    /// more). 8 keeps every plugin of 91% of the real configs in ../shared/benthos-corpus (233 of
    /// the 256 with a component; the median config has 3, the 95th percentile 9).
    public var maxPlugins: Int
    /// Components of one plugin an instance contributes (4 covers 96% of those configs' plugins).
    public var maxComponents: Int

    public static let defaultMaxPlugins = 8
    public static let defaultMaxComponents = 4

    public init(maxPlugins: Int = defaultMaxPlugins, maxComponents: Int = defaultMaxComponents) {
        self.maxPlugins = max(2, maxPlugins)
        self.maxComponents = max(1, maxComponents)
    }

    /// At most C(C, 2) pairs.
    public var maxPairs: Int { maxPlugins * (maxPlugins - 1) / 2 }
}

/// The published figures, in groups that share one noise scale. The protected unit is an
/// instance (an id): adding or removing one changes each group's vector of counts by at most
/// `sensitivity` in L2 norm (the squares are integers, given exactly by `sensitivitySquared`).
public enum FigureGroup: String, CaseIterable, Sendable {
    /// The number of instances.
    case instances
    /// Instances by uptime bucket (each in one bucket).
    case uptime
    /// Instances whose payloads disagreed (at most one flag each).
    case conflicts
    /// Per catalogue plugin, instances using it (at most C plugins each).
    case plugins
    /// Per catalogue plugin, its components (at most C plugins, each clipped to M).
    case components
    /// Per kind, instances with unlisted and instances with malformed components (one flag each).
    case kinds
    /// Per pair of catalogue plugins, instances using both (at most C(C, 2) pairs).
    case pairs

    /// The group's place in `allCases`.
    public var position: Int {
        switch self {
        case .instances: 0
        case .uptime: 1
        case .conflicts: 2
        case .plugins: 3
        case .components: 4
        case .kinds: 5
        case .pairs: 6
        }
    }

    /// The share of ρ each group gets: most to plugins and pairs, what the report is for.
    public var budgetShare: Double {
        switch self {
        case .instances: 0.05
        case .uptime: 0.04
        case .conflicts: 0.01
        case .plugins: 0.45
        case .components: 0.05
        case .kinds: 0.05
        case .pairs: 0.35
        }
    }

    /// Δ², the squared L2 sensitivity, for the bounds.
    public func sensitivitySquared(_ b: ContributionBounds) -> Int {
        switch self {
        case .instances, .uptime, .conflicts: 1
        case .plugins: b.maxPlugins
        case .components: b.maxPlugins * b.maxComponents * b.maxComponents
        case .kinds: 2 * CatalogIndex.kinds.count
        case .pairs: b.maxPairs
        }
    }

    /// How many figures the group has over `index`'s catalogue (kinds: each kind's unlisted
    /// count, then each kind's malformed count).
    public func coordinates(over index: CatalogIndex) -> Int {
        switch self {
        case .instances, .conflicts: 1
        case .uptime: UptimeBucket.allCases.count
        case .plugins, .components: index.count
        case .kinds: 2 * CatalogIndex.kinds.count
        case .pairs: index.pairCount
        }
    }

    /// The groups as the release declares them (`DifferentialPrivacy.CountGroup`): what
    /// `CollectedInstances.boundedCounts` enforces and a counts file attests.
    package static func countGroups(_ bounds: ContributionBounds, index: CatalogIndex) -> [CountGroup] {
        allCases.map {
            CountGroup(name: $0.rawValue, coordinates: $0.coordinates(over: index), sensitivitySquared: $0.sensitivitySquared(bounds),
                       budgetShare: $0.budgetShare)
        }
    }
}

/// A group's noise: the discrete Gaussian its figures get (`NoiseCalibration`), what it costs,
/// and the half-widths the renderers print (post-processing of public parameters).
public struct GroupNoise: Sendable {
    public let group: FigureGroup
    public let sensitivitySquared: Int
    /// How many figures (coordinates) the group publishes.
    public let coordinates: Int
    public let noise: DiscreteGaussian
    /// Δ²/(2σ²), from the σ² actually used (rounded up, so at most the group's share).
    public var rho: Double { Double(sensitivitySquared) / (2 * noise.variance) }
    /// The half-width of a figure's 95% interval (P(|noise| ≤ h) ≥ 0.95).
    public let halfWidth95: Int
    /// The value a noisy count must pass to be shown as "above zero": the half-width at the
    /// level 1 − 0.05/coordinates, so that over the whole group a figure whose true count is 0
    /// is shown with probability at most 5% (Bonferroni). Post-processing of noisy values only.
    public let displayThreshold: Int
    /// The half-widths at 1 − 0.05/2 and 1 − 0.05/4: each count's share of a derived figure's
    /// 95% (shares and confidences use two counts, lifts four), computed once here rather than
    /// at every figure.
    public let halfWidthOfTwo: Int
    public let halfWidthOfFour: Int

    init(_ group: FigureGroup, _ calibrated: NoiseCalibration.Group) {
        let noise = calibrated.noise
        func halfWidth(_ level: Double) -> Int { PrivacyAccounting.halfWidth(variance: noise.variance, level: level) }
        self.group = group
        sensitivitySquared = calibrated.group.sensitivitySquared
        coordinates = calibrated.group.coordinates
        self.noise = noise
        halfWidth95 = halfWidth(0.95)
        displayThreshold = halfWidth(1 - 0.05 / Double(max(1, coordinates)))
        halfWidthOfTwo = halfWidth(1 - 0.05 / 2)
        halfWidthOfFour = halfWidth(1 - 0.05 / 4)
    }
}

/// A noisy count and its interval.
public struct NoisyCount: Sendable, Equatable {
    /// The true count plus discrete Gaussian noise: unbiased, and can be negative.
    public let value: Int64
    public let halfWidth95: Int
    public var low: Int64 { value - Int64(halfWidth95) }
    public var high: Int64 { value + Int64(halfWidth95) }
}

/// A share, confidence or lift computed from noisy counts, with an interval that holds with
/// probability at least 95% (from the noise alone): each count's interval is taken at 1 − 0.05/m
/// for the m counts it uses, and the function's range over those intervals is the interval.
///
/// Defined for every noisy value, zero and negative ones included: `low ≤ estimate ≤ high`, all
/// three finite. A true denominator is a count of instances using something that the numerator
/// counts too, so it is at least 1 whenever the figure exists: each denominator's interval is
/// clamped to start at 1. A noisy denominator of 0 or below says the release holds no usable
/// count to divide by: the estimate is 0 and its interval starts at 0.
public struct Derived: Sendable, Equatable {
    public let estimate: Double
    public let low: Double
    public let high: Double
}

/// The report made safe to publish: the figures of a `NoisyCounts` release (DifferentialPrivacy)
/// of the instances' bounded counts, named by catalogue plugin and pair for the renderers.
/// (ε, δ)-differentially private per instance (in the add/remove sense), by contribution bounds
/// (`ContributionBounds`, enforced by `BoundedCounts`) then exactly sampled discrete Gaussian
/// noise on every published count, accounted in zero-concentrated DP.
///
/// The domain is public: every catalogue plugin and every pair of catalogue plugins gets a noisy
/// count whether or not any instance uses it, so which names appear is never a function of the
/// data. What the renderers show (estimates above a group's display threshold) is a function of
/// the noisy values only, which costs nothing more (post-processing).
public struct PrivateReport: Sendable {
    public let index: CatalogIndex
    public let bounds: ContributionBounds
    /// The release the figures are read from: its calibration carries (ε, δ) and ρ.
    public let release: NoisyCounts
    public var epsilon: Double { release.calibration.epsilon }
    public var delta: Double { release.calibration.delta }
    /// The ρ the (ε, δ) allows, and the ρ this release spends (`NoiseCalibration`).
    public var rhoBudget: Double { release.calibration.rhoBudget }
    public var rhoSpent: Double { release.calibration.rhoSpent }
    /// The ε the spent ρ gives at δ (at most `epsilon`).
    public var epsilonSpent: Double { release.calibration.epsilonSpent }
    public let groups: [GroupNoise]

    public let instances: NoisyCount
    public let conflicts: NoisyCount
    public let uptime: [NoisyCount]
    /// Per plugin number (catalogue order).
    public let pluginInstances: [Int64]
    public let components: [Int64]
    /// Per kind number.
    public let unlisted: [Int64]
    public let malformed: [Int64]
    /// Per pair of plugin numbers a < b, at `pairIndex(a, b)`.
    public let pairs: [Int64]

    public static let defaultEpsilon = 1.0
    public static let defaultDelta = 1e-7

    /// A group's noise (`groups` holds every group, in `FigureGroup.allCases` order).
    public func noise(_ group: FigureGroup) -> GroupNoise { groups[group.position] }

    /// The position of pair (a, b) among the pairs' figures (`CatalogIndex.pairIndex`).
    public func pairIndex(_ a: Int, _ b: Int) -> Int { index.pairIndex(a, b) }

    /// Noises `counts` (`CollectedInstances.boundedCounts`, or a `CountsFile`'s) at (ε, δ) with the
    /// system CSPRNG's bits, or `g`'s in tests. The counts must be declared for `index` and
    /// `bounds` (`FigureGroup`'s groups and sensitivities); the release is refused otherwise.
    public static func release<G: RandomNumberGenerator>(
        _ counts: BoundedCounts, index: CatalogIndex, bounds: ContributionBounds, epsilon: Double = defaultEpsilon,
        delta: Double = defaultDelta, using g: inout G
    ) throws(ReleaseError) -> PrivateReport {
        let calibration = try calibration(index: index, bounds: bounds, epsilon: epsilon, delta: delta)
        try check(counts, index: index, bounds: bounds)
        return PrivateReport(try NoisyCounts.release(counts, calibration: calibration, using: &g), index: index, bounds: bounds)
    }

    /// The noise a release over `index` under `bounds` gets at (ε, δ), before any count is read.
    public static func calibration(index: CatalogIndex, bounds: ContributionBounds, epsilon: Double = defaultEpsilon,
                                   delta: Double = defaultDelta) throws(ReleaseError) -> NoiseCalibration {
        try NoiseCalibration(groups: FigureGroup.countGroups(bounds, index: index), epsilon: epsilon, delta: delta)
    }

    static func check(_ counts: BoundedCounts, index: CatalogIndex, bounds: ContributionBounds) throws(ReleaseError) {
        let expected = FigureGroup.countGroups(bounds, index: index)
        guard counts.groups.count == expected.count,
              counts.groups[FigureGroup.plugins.position].coordinates == index.count else {
            throw .countsDoNotMatch("the counts are not over this catalogue")
        }
        guard counts.groups == expected else {
            throw .countsDoNotMatch("the counts were bounded under other contribution bounds than the release's")
        }
    }

    /// `template`'s release with these figures: for tests of the renderers (package only).
    package init(figuresOf template: PrivateReport, instances: NoisyCount, conflicts: NoisyCount, uptime: [NoisyCount],
                 pluginInstances: [Int64], components: [Int64], unlisted: [Int64], malformed: [Int64], pairs: [Int64]) {
        self.init(NoisyCounts(calibration: template.release.calibration,
                              values: [[instances.value], uptime.map(\.value), [conflicts.value], pluginInstances, components,
                                       unlisted + malformed, pairs], attestation: template.release.attestation),
                  index: template.index, bounds: template.bounds, groups: template.groups)
    }

    /// The figures of `release`; `groups`, when given, are its calibration's (already computed).
    init(_ release: NoisyCounts, index: CatalogIndex, bounds: ContributionBounds, groups known: [GroupNoise]? = nil) {
        self.index = index
        self.bounds = bounds
        self.release = release
        let groups = known ?? FigureGroup.allCases.map { GroupNoise($0, release.calibration.groups[$0.position]) }
        self.groups = groups
        let v = release.values
        func counts(_ group: FigureGroup) -> [NoisyCount] {
            v[group.position].map { NoisyCount(value: $0, halfWidth95: groups[group.position].halfWidth95) }
        }
        instances = counts(.instances)[0]
        conflicts = counts(.conflicts)[0]
        uptime = counts(.uptime)
        pluginInstances = v[FigureGroup.plugins.position]
        components = v[FigureGroup.components.position]
        let kinds = v[FigureGroup.kinds.position], k = CatalogIndex.kinds.count
        unlisted = Array(kinds[..<k])
        malformed = Array(kinds[k...])
        pairs = v[FigureGroup.pairs.position]
    }

    // MARK: Figures for the renderers

    public func plugin(_ p: Int) -> NoisyCount {
        NoisyCount(value: pluginInstances[p], halfWidth95: noise(.plugins).halfWidth95)
    }

    public func componentCount(_ p: Int) -> NoisyCount {
        NoisyCount(value: components[p], halfWidth95: noise(.components).halfWidth95)
    }

    public func pair(_ a: Int, _ b: Int) -> NoisyCount {
        NoisyCount(value: pairs[pairIndex(a, b)], halfWidth95: noise(.pairs).halfWidth95)
    }

    /// Whether a plugin's noisy count passes its group's display threshold.
    public func shows(plugin p: Int) -> Bool { pluginInstances[p] > Int64(noise(.plugins).displayThreshold) }
    public func shows(pair a: Int, _ b: Int) -> Bool { pairs[pairIndex(a, b)] > Int64(noise(.pairs).displayThreshold) }

    /// Half-width at level 1 − 0.05/m for a group (the per-count level of an m-count figure).
    func halfWidth(_ group: FigureGroup, counts m: Int) -> Double {
        let g = noise(group)
        switch m {
        case 2: return Double(g.halfWidthOfTwo)
        case 4: return Double(g.halfWidthOfFour)
        default: return Double(PrivacyAccounting.halfWidth(variance: g.noise.variance, level: 1 - 0.05 / Double(m)))
        }
    }

    /// count / instances, clipped to [0, 1], with a ≥ 95% interval.
    public func share(of count: Int64, _ group: FigureGroup) -> Derived {
        ratio(count, group, over: instances.value, .instances)
    }

    /// a / b with a ≥ 95% interval (each count at 97.5%), clipped to [0, 1]. The true b is at
    /// least 1 (it counts instances a counts too), so b's interval is clamped to start at 1; a
    /// noisy b of 0 or below gives the estimate 0 and an interval from 0 (see `Derived`).
    func ratio(_ a: Int64, _ ga: FigureGroup, over b: Int64, _ gb: FigureGroup) -> Derived {
        let ha = halfWidth(ga, counts: 2), hb = halfWidth(gb, counts: 2)
        let x = Double(a), y = Double(b)
        func clip(_ v: Double) -> Double { min(1, max(0, v)) }
        guard y >= 1 else {
            return Derived(estimate: 0, low: 0, high: clip(max(0, x + ha) / max(1, y - hb)))
        }
        return Derived(estimate: clip(x / y), low: clip(max(0, x - ha) / (y + hb)), high: clip(max(0, x + ha) / max(1, y - hb)))
    }

    /// Share of plugin `a`'s instances that also use `b`.
    public func confidence(_ a: Int, _ b: Int) -> Derived {
        ratio(pairs[pairIndex(a, b)], .pairs, over: pluginInstances[a], .plugins)
    }

    /// Lift, P(A and B) / (P(A) P(B)) = n_ab · n / (n_a · n_b), with each of the four counts at
    /// 98.75%. As in `ratio`, the plugin counts' intervals are clamped to start at 1, so `high`
    /// is finite; a noisy n_a or n_b of 0 or below gives the estimate 0 and an interval from 0.
    public func lift(_ a: Int, _ b: Int) -> Derived {
        let hab = halfWidth(.pairs, counts: 4), hp = halfWidth(.plugins, counts: 4), hn = halfWidth(.instances, counts: 4)
        let nab = Double(pairs[pairIndex(a, b)]), na = Double(pluginInstances[a]), nb = Double(pluginInstances[b])
        let n = Double(instances.value)
        let high = max(0, nab + hab) * max(0, n + hn) / (max(1, na - hp) * max(1, nb - hp))
        guard na >= 1 && nb >= 1 else { return Derived(estimate: 0, low: 0, high: high) }
        let estimate = max(0, nab) * max(0, n) / (na * nb)
        let low = max(0, nab - hab) * max(0, n - hn) / ((na + hp) * (nb + hp))
        return Derived(estimate: estimate, low: low, high: high)
    }

    /// The shown pairs (noisy count above the display threshold), by lift then count, each
    /// as (a, b) plugin numbers; with `focus`, only its pairs, turned so that `a` is the focus,
    /// by confidence.
    public func shownPairs(with focus: Int? = nil) -> [(a: Int, b: Int)] {
        let n = index.count
        let threshold = Int64(noise(.pairs).displayThreshold)
        var result: [(a: Int, b: Int)] = []
        var i = 0
        for a in 0..<n {
            for b in (a + 1)..<max(a + 1, n) {
                if pairs[i] > threshold {
                    if let f = focus {
                        if a == f { result.append((a, b)) } else if b == f { result.append((b, a)) }
                    } else {
                        result.append((a, b))
                    }
                }
                i += 1
            }
        }
        if focus != nil {
            let conf = result.map { confidence($0.a, $0.b).estimate }
            let order = result.indices.sorted { conf[$0] != conf[$1] ? conf[$0] > conf[$1] : result[$0].b < result[$1].b }
            return order.map { result[$0] }
        }
        let lifts = result.map { lift($0.a, $0.b).estimate }
        let order = result.indices.sorted { x, y in
            if lifts[x] != lifts[y] { return lifts[x] > lifts[y] }
            return (result[x].a, result[x].b) < (result[y].a, result[y].b)
        }
        return order.map { result[$0] }
    }
}

extension CollectedInstances {
    /// The private release of the exact payloads read: bounds, then noise from `g` (the system
    /// CSPRNG in the tool). LDP payloads are not in it: their estimates carry only their local
    /// guarantee, and the sums they are made of would tell whether an instance sent one
    /// (`--release ldp` prints them, saying so). `cut` says how many instances lost plugins to
    /// the bound (for the operator; not part of the release).
    public func privateReport<G: RandomNumberGenerator>(epsilon: Double = PrivateReport.defaultEpsilon,
                                                        delta: Double = PrivateReport.defaultDelta,
                                                        bounds: ContributionBounds = ContributionBounds(),
                                                        using g: inout G) throws(ReleaseError)
        -> (report: PrivateReport, cut: Int)
    {
        let calibration = try PrivateReport.calibration(index: index, bounds: bounds, epsilon: epsilon, delta: delta)
        let (counts, cut) = try boundedCounts(bounds: bounds, using: &g)
        let release = try NoisyCounts.release(counts, calibration: calibration, using: &g)
        return (PrivateReport(release, index: index, bounds: bounds), cut)
    }
}
