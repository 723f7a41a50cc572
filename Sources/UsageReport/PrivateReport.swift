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
}

/// A group's noise: the discrete Gaussian its figures get, and what it costs.
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

/// The report made safe to publish: ε-differentially private per instance (in the add/remove
/// sense), by contribution bounds then exactly sampled discrete Gaussian noise on every published
/// count, accounted in zero-concentrated DP and stated as (ε, δ).
///
/// The domain is public: every catalogue plugin and every pair of catalogue plugins gets a noisy
/// count whether or not any instance uses it, so which names appear is never a function of the
/// data. What the renderers show (estimates above a group's display threshold) is a function of
/// the noisy values only, which costs nothing more (post-processing).
public struct PrivateReport: Sendable {
    public let index: CatalogIndex
    public let epsilon: Double
    public let delta: Double
    public let bounds: ContributionBounds
    /// The ρ the (ε, δ) allows (CKS20 Corollary 13), and the ρ this release spends: the sum of
    /// the groups' Δ²/(2σ²). (Independent discrete Gaussians on integer counts: the Rényi
    /// divergence of each coordinate is at most αμ²/(2σ²) for an integer shift μ, CKS20
    /// Proposition 5, and divergences of independent coordinates add.)
    public let rhoBudget: Double
    public let rhoSpent: Double
    /// The ε the spent ρ gives at δ (at most `epsilon`).
    public let epsilonSpent: Double
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

    /// The position of pair (a, b), a < b, among the plugin count's pairs.
    public func pairIndex(_ a: Int, _ b: Int) -> Int {
        let n = index.count
        let (x, y) = a < b ? (a, b) : (b, a)
        return x * n - x * (x + 1) / 2 + (y - x - 1)
    }

    public enum ReleaseError: Error, Equatable, CustomStringConvertible {
        case badParameters(String)
        public var description: String {
            switch self {
            case .badParameters(let text): text
            }
        }
    }

    /// Noises the bounded aggregates (`ReportBuilder.boundedAggregates`, or a counts file made
    /// under the same bounds) with the system CSPRNG's bits, or `g`'s in tests.
    public static func release<G: RandomNumberGenerator>(
        _ agg: Aggregates, index: CatalogIndex, epsilon: Double = defaultEpsilon, delta: Double = defaultDelta,
        bounds: ContributionBounds = ContributionBounds(), using g: inout G
    ) throws(ReleaseError) -> PrivateReport {
        guard epsilon.isFinite, epsilon > 0, epsilon <= 50 else {
            throw .badParameters("ε must be a number above 0 and at most 50")
        }
        guard delta.isFinite, delta > 0, delta < 1e-2 else {
            throw .badParameters("δ must be above 0 and below 0.01 (well below 1/instances: 1e-7 by default)")
        }
        guard agg.pluginInstances.count == index.count, agg.components.count == index.count else {
            throw .badParameters("the counts are not over this catalogue")
        }
        let budget = PrivacyAccounting.rho(epsilon: epsilon, delta: delta)
        let pluginCount = index.count
        let pairCount = pluginCount * (pluginCount - 1) / 2
        var groups: [GroupNoise] = []
        for group in FigureGroup.allCases {
            let d2 = group.sensitivitySquared(bounds)
            let coordinates: Int
            switch group {
            case .instances: coordinates = 1
            case .uptime: coordinates = UptimeBucket.allCases.count
            case .conflicts: coordinates = 1
            case .plugins, .components: coordinates = pluginCount
            case .kinds: coordinates = 2 * CatalogIndex.kinds.count
            case .pairs: coordinates = pairCount
            }
            let variance = Double(d2) / (2 * group.budgetShare * budget)
            guard let noise = DiscreteGaussian(varianceAtLeast: variance) else {
                throw .badParameters("ε = \(epsilon) and δ = \(delta) need a noise variance of \(variance) for \(group.rawValue), outside what the sampler takes")
            }
            func halfWidth(_ level: Double) -> Int { PrivacyAccounting.halfWidth(variance: noise.variance, level: level) }
            groups.append(GroupNoise(group: group, sensitivitySquared: d2, coordinates: coordinates, noise: noise,
                                     halfWidth95: halfWidth(0.95), displayThreshold: halfWidth(1 - 0.05 / Double(max(1, coordinates))),
                                     halfWidthOfTwo: halfWidth(1 - 0.05 / 2), halfWidthOfFour: halfWidth(1 - 0.05 / 4)))
        }
        let spent = groups.reduce(0) { $0 + $1.rho }
        func group(_ g: FigureGroup) -> GroupNoise { groups[g.position] }

        func noisy(_ values: [Int], _ noise: GroupNoise) -> [Int64] {
            values.map { Int64($0) + noise.noise.sample(using: &g) }
        }
        func count(_ value: Int, _ noise: GroupNoise) -> NoisyCount {
            NoisyCount(value: Int64(value) + noise.noise.sample(using: &g), halfWidth95: noise.halfWidth95)
        }
        let instances = count(agg.instances, group(.instances))
        let uptime = agg.uptime.map { count($0, group(.uptime)) }
        let conflicts = count(agg.conflicts, group(.conflicts))
        let pluginInstances = noisy(agg.pluginInstances, group(.plugins))
        let components = noisy(agg.components, group(.components))
        let unlisted = noisy(agg.unlisted, group(.kinds))
        let malformed = noisy(agg.malformed, group(.kinds))
        var exactPairs = [Int](repeating: 0, count: pairCount)
        for (key, n) in agg.pairs {
            let a = Int(key >> 32), b = Int(key & 0xFFFF_FFFF)
            guard a < b, b < pluginCount else {
                throw .badParameters("a pair's plugin numbers are out of the catalogue")
            }
            exactPairs[a * pluginCount - a * (a + 1) / 2 + (b - a - 1)] = n
        }
        let pairs = noisy(exactPairs, group(.pairs))
        return PrivateReport(index: index, epsilon: epsilon, delta: delta, bounds: bounds, rhoBudget: budget, rhoSpent: spent,
                             epsilonSpent: PrivacyAccounting.epsilon(rho: spent, delta: delta), groups: groups,
                             instances: instances, conflicts: conflicts, uptime: uptime, pluginInstances: pluginInstances,
                             components: components, unlisted: unlisted, malformed: malformed, pairs: pairs)
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

extension ReportBuilder {
    /// The private release of the exact payloads read: bounds, then noise from `g` (the system
    /// CSPRNG in the tool). LDP payloads are not in it: their estimates carry only their local
    /// guarantee, and the sums they are made of would tell whether an instance sent one
    /// (`--release ldp` prints them, saying so). `cut` says how many instances lost plugins to
    /// the bound (for the operator; not part of the release).
    public func privateReport<G: RandomNumberGenerator>(epsilon: Double = PrivateReport.defaultEpsilon,
                                                        delta: Double = PrivateReport.defaultDelta,
                                                        bounds: ContributionBounds = ContributionBounds(),
                                                        using g: inout G) throws(PrivateReport.ReleaseError)
        -> (report: PrivateReport, cut: Int)
    {
        let (agg, cut) = boundedAggregates(bounds: bounds, using: &g)
        let report = try PrivateReport.release(agg, index: index, epsilon: epsilon, delta: delta, bounds: bounds, using: &g)
        return (report, cut)
    }
}
