/// Why a release was refused: its parameters, not the data.
public enum ReleaseError: Error, Equatable, CustomStringConvertible {
    case epsilonOutOfRange
    case deltaOutOfRange
    /// The groups' declarations: a Δ² below 1, a share not above 0, shares adding up past 1.
    case badGroups(String)
    /// The variance a group needs is outside what `DiscreteGaussian` samples.
    case varianceOutOfRange(group: String, variance: Double, epsilon: Double, delta: Double)
    /// The counts are not the ones this calibration was made for (another group shape).
    case countsDoNotMatch(String)
    /// The bounding step refused a contribution (a caller's bounding that does not keep its
    /// own declared bound): nothing was released.
    case contributionRefused(BoundError)

    public var description: String {
        switch self {
        case .epsilonOutOfRange: "ε must be a number above 0 and at most 50"
        case .deltaOutOfRange: "δ must be above 0 and below 0.01 (well below 1/instances: 1e-7 by default)"
        case .badGroups(let why), .countsDoNotMatch(let why): why
        case .contributionRefused(let error): "a contribution was refused by its bound: \(error)"
        case let .varianceOutOfRange(group, variance, epsilon, delta):
            "ε = \(epsilon) and δ = \(delta) need a noise variance of \(variance) for \(group), outside what the sampler takes"
        }
    }
}

/// The noise of a release, fixed before any count is read: for each group, the discrete
/// Gaussian whose σ² gives it its share of ρ, where ρ is the zCDP budget that (ε, δ) allows.
/// A function of public parameters only.
public struct NoiseCalibration: Sendable {
    /// The noise of one group, and what it costs: Δ²/(2σ²) from the σ² actually used (rounded
    /// up, so at most the group's share of ρ).
    public struct Group: Sendable {
        public let group: CountGroup
        public let noise: DiscreteGaussian
        public var rho: Double { Double(group.sensitivitySquared) / (2 * noise.variance) }
    }

    public let epsilon: Double
    public let delta: Double
    /// The ρ the (ε, δ) allows (CKS20 Corollary 13), and the ρ the noise spends: the sum of the
    /// groups' Δ²/(2σ²). Independent discrete Gaussians on integer sums: the Rényi divergence of
    /// each coordinate is at most αμ²/(2σ²) for an integer shift μ (CKS20 Proposition 5), and
    /// divergences of independent coordinates add, so a group whose shift has squared L2 norm
    /// at most Δ² costs Δ²/(2σ²).
    public let rhoBudget: Double
    public let rhoSpent: Double
    /// The ε the spent ρ gives at δ (at most `epsilon`).
    public let epsilonSpent: Double
    public let groups: [Group]

    /// The calibration for `groups` at (ε, δ): ε in (0, 50], δ in (0, 0.01).
    public init(groups declared: [CountGroup], epsilon: Double, delta: Double) throws(ReleaseError) {
        guard epsilon.isFinite, epsilon > 0, epsilon <= 50 else { throw .epsilonOutOfRange }
        guard delta.isFinite, delta > 0, delta < 1e-2 else { throw .deltaOutOfRange }
        guard declared.allSatisfy({ $0.sensitivitySquared >= 1 && $0.coordinates >= 0 && $0.budgetShare > 0 }),
              declared.reduce(0, { $0 + $1.budgetShare }) <= 1 + 1e-12 else {
            throw .badGroups("every group needs Δ² ≥ 1 and a share above 0, the shares adding up to at most 1")
        }
        let budget = PrivacyAccounting.rho(epsilon: epsilon, delta: delta)
        var groups: [Group] = []
        for group in declared {
            let variance = Double(group.sensitivitySquared) / (2 * group.budgetShare * budget)
            guard let noise = DiscreteGaussian(varianceAtLeast: variance) else {
                throw .varianceOutOfRange(group: group.name, variance: variance, epsilon: epsilon, delta: delta)
            }
            groups.append(Group(group: group, noise: noise))
        }
        self.epsilon = epsilon
        self.delta = delta
        self.groups = groups
        rhoBudget = budget
        rhoSpent = groups.reduce(0) { $0 + $1.rho }
        epsilonSpent = PrivacyAccounting.epsilon(rho: rhoSpent, delta: delta)
    }
}

/// A differentially private release: every sum of every group plus independent, exactly sampled
/// discrete Gaussian noise (`DiscreteGaussian`, from the bits of the generator given: the
/// system's CSPRNG, `BufferedSystemRandom`, outside tests). With contributions bounded as
/// `counts` declares, it is ρ-zCDP per contributor (add/remove) for ρ = `calibration.rhoSpent`,
/// so (`calibration.epsilonSpent`, δ)-DP; what is computed from it afterwards costs nothing more.
public struct NoisyCounts: Sendable {
    public let calibration: NoiseCalibration
    /// Per group, the noisy sums (unbiased; can be negative).
    public let values: [[Int64]]
    /// Carried from the counts: nil when the bound was enforced, else who attests it.
    public let attestation: String?

    /// Figures chosen by a test of what is computed from a release (package only: outside this
    /// package, a `NoisyCounts` comes from `release` alone).
    package init(calibration: NoiseCalibration, values: [[Int64]], attestation: String?) {
        self.calibration = calibration
        self.values = values
        self.attestation = attestation
    }

    /// Noises `counts` at (ε, δ).
    public static func release<G: RandomNumberGenerator>(_ counts: BoundedCounts, epsilon: Double, delta: Double,
                                                         using g: inout G) throws(ReleaseError) -> NoisyCounts {
        try release(counts, calibration: NoiseCalibration(groups: counts.groups, epsilon: epsilon, delta: delta), using: &g)
    }

    /// Noises `counts` with a calibration made for their groups (refused otherwise).
    public static func release<G: RandomNumberGenerator>(_ counts: BoundedCounts, calibration: NoiseCalibration,
                                                         using g: inout G) throws(ReleaseError) -> NoisyCounts {
        guard counts.groups == calibration.groups.map(\.group) else {
            throw .countsDoNotMatch("the counts' groups are not the ones the noise was calibrated for")
        }
        var values: [[Int64]] = []
        for (sums, group) in zip(counts.sums, calibration.groups) {
            values.append(sums.map { Int64($0) + group.noise.sample(using: &g) })
        }
        return NoisyCounts(calibration: calibration, values: values, attestation: counts.attestation)
    }
}
