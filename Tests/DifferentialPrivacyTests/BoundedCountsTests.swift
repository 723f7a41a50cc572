import DifferentialPrivacy
import XCTest

/// The central-DP target alone: the bounding step, the attested constructor, the release and
/// its accounting, the ledger behind its store.
final class BoundedCountsTests: XCTestCase {
    /// A seeded generator for these tests (SplitMix64's step; never a release's randomness).
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let groups = [CountGroup(name: "total", coordinates: 1, sensitivitySquared: 1, budgetShare: 0.2),
                         CountGroup(name: "items", coordinates: 10, sensitivitySquared: 4, budgetShare: 0.8)]

    func contribution(total: Int = 1, items: [(Int, Int)]) -> Contribution {
        var c = Contribution()
        c.add(total, at: 0, inGroup: 0)
        for (i, n) in items { c.add(n, at: i, inGroup: 1) }
        return c
    }

    func testContributionsWithinTheirBoundAreSummed() throws {
        var counts = BoundedCounts(groups: Self.groups)
        try counts.add(contribution(items: [(0, 1), (3, 1), (5, 1), (9, 1)]))   // ‖·‖² = 4
        try counts.add(contribution(items: [(2, 2)]), count: 3)                // ‖·‖² = 4, three contributors
        XCTAssertEqual(counts.sums, [[4], [1, 0, 6, 1, 0, 1, 0, 0, 0, 1]])
        XCTAssertNil(counts.attestation, "enforced, not attested")
    }

    func testAContributionOverItsBoundIsRefusedAndNothingIsAdded() {
        var counts = BoundedCounts(groups: Self.groups)
        let before = counts
        XCTAssertThrowsError(try counts.add(contribution(items: [(0, 1), (1, 1), (2, 1), (3, 1), (4, 1)]))) { error in
            XCTAssertEqual(error as? BoundError, .exceedsBound(group: "items", normSquared: 5, sensitivitySquared: 4))
        }
        XCTAssertThrowsError(try counts.add(contribution(items: [(0, 3)])))     // 9 > 4
        XCTAssertThrowsError(try counts.add(contribution(total: 2, items: []))) // 4 > 1 in total
        XCTAssertEqual(counts, before)
    }

    func testMalformedContributionsAreRefused() {
        var counts = BoundedCounts(groups: Self.groups)
        // A repeated coordinate would hide its square: (1 + 1)² = 4 counted as 1 + 1.
        XCTAssertThrowsError(try counts.add(contribution(items: [(2, 1), (2, 1)])))
        XCTAssertThrowsError(try counts.add(contribution(items: [(3, 1), (2, 1)])))
        XCTAssertThrowsError(try counts.add(contribution(items: [(10, 1)])))
        XCTAssertThrowsError(try counts.add(contribution(items: [(1, -1)])))
        XCTAssertThrowsError(try counts.add(contribution(items: []), count: 0))
        var backwards = Contribution()
        backwards.add(1, at: 0, inGroup: 1)
        backwards.add(1, at: 0, inGroup: 0)
        XCTAssertThrowsError(try counts.add(backwards))
        XCTAssertEqual(counts, BoundedCounts(groups: Self.groups))
    }

    func testAttestedSumsSayWhoBoundsThem() throws {
        let counts = try BoundedCounts(attestedSums: [[3], [1, 2, 3, 0, 0, 0, 0, 0, 0, 0]], groups: Self.groups, attestation: "a test")
        XCTAssertEqual(counts.attestation, "a test")
        XCTAssertThrowsError(try BoundedCounts(attestedSums: [[3], [1]], groups: Self.groups, attestation: "a test"))
        XCTAssertThrowsError(try BoundedCounts(attestedSums: [[-1], [Int](repeating: 0, count: 10)], groups: Self.groups, attestation: "a test"))
        var g = Seeded(state: 1)
        XCTAssertEqual(try NoisyCounts.release(counts, epsilon: 1, delta: 1e-7, using: &g).attestation, "a test", "the assumption travels with the release")
    }

    /// ρ spent is Σ Δ²/(2σ²) over the groups, within the budget (ε, δ) allows; each group's noise
    /// has its calibrated variance (mean 0, variance σ², measured).
    func testTheReleaseSpendsWhatItsNoiseCostsAndIsCentredOnTheSums() throws {
        var counts = BoundedCounts(groups: Self.groups)
        for i in 0..<10 { try counts.add(contribution(items: [(i, 2)]), count: 100) }
        let calibration = try NoiseCalibration(groups: Self.groups, epsilon: 1, delta: 1e-7)
        let spent = calibration.groups.reduce(0.0) { $0 + Double($1.group.sensitivitySquared) / (2 * $1.noise.variance) }
        XCTAssertEqual(calibration.rhoSpent, spent, accuracy: 1e-12)
        XCTAssertLessThanOrEqual(calibration.rhoSpent, calibration.rhoBudget)
        XCTAssertLessThanOrEqual(calibration.epsilonSpent, 1)
        for (group, share) in zip(calibration.groups, [0.2, 0.8]) {
            XCTAssertLessThanOrEqual(group.rho, share * calibration.rhoBudget * (1 + 1e-12))
            XCTAssertGreaterThan(group.rho, share * calibration.rhoBudget * 0.999, "σ² rounded up by at most 1/1024")
        }
        var g = Seeded(state: 7)
        var sum = 0.0, squares = 0.0, n = 0.0
        for _ in 0..<300 {
            let release = try NoisyCounts.release(counts, calibration: calibration, using: &g)
            for (value, truth) in zip(release.values[1], counts.sums[1]) {
                let noise = Double(value - Int64(truth))
                sum += noise; squares += noise * noise; n += 1
            }
        }
        let variance = calibration.groups[1].noise.variance
        XCTAssertEqual(sum / n, 0, accuracy: 4 * (variance / n).squareRoot())
        XCTAssertEqual(squares / n / variance, 1, accuracy: 0.1)
    }

    func testReleaseParametersAreChecked() throws {
        let counts = BoundedCounts(groups: Self.groups)
        var g = Seeded(state: 3)
        XCTAssertThrowsError(try NoisyCounts.release(counts, epsilon: 0, delta: 1e-7, using: &g)) { XCTAssertEqual($0 as? ReleaseError, .epsilonOutOfRange) }
        XCTAssertThrowsError(try NoisyCounts.release(counts, epsilon: 1, delta: 0.5, using: &g)) { XCTAssertEqual($0 as? ReleaseError, .deltaOutOfRange) }
        let greedy = [CountGroup(name: "a", coordinates: 1, sensitivitySquared: 1, budgetShare: 0.7),
                      CountGroup(name: "b", coordinates: 1, sensitivitySquared: 1, budgetShare: 0.7)]
        XCTAssertThrowsError(try NoiseCalibration(groups: greedy, epsilon: 1, delta: 1e-7))
        let other = try NoiseCalibration(groups: [Self.groups[0]], epsilon: 1, delta: 1e-7)
        XCTAssertThrowsError(try NoisyCounts.release(counts, calibration: other, using: &g)) { error in
            guard case .countsDoNotMatch = error as? ReleaseError else { return XCTFail("\(error)") }
        }
    }

    /// The ledger: an instance is admitted while its spend plus the release stays under the cap;
    /// what is charged is read back from the store's bytes.
    func testTheLedgerChargesAndRefusesPastItsCap() throws {
        let rho = PrivacyAccounting.rho(epsilon: 1, delta: 1e-7)
        var ledger = PrivacyLedger(delta: 1e-7, budgetEpsilon: PrivacyAccounting.epsilon(rho: 2.5 * rho, delta: 1e-7))
        let a = InstanceKey(high: 1, low: 2), b = InstanceKey(high: 3, low: 4)
        XCTAssertTrue(ledger.admits(a, rho: rho))
        ledger.charge([a], rho: rho, leftOut: 0, note: "first")
        XCTAssertEqual(ledger.spent(by: a), rho)
        XCTAssertEqual(ledger.spent(by: b), 0)
        ledger.charge([a], rho: rho, leftOut: 0, note: "second")
        XCTAssertFalse(ledger.admits(a, rho: rho), "a third release of a passes a cap of 2.5 releases")
        XCTAssertTrue(ledger.admits(b, rho: rho))
        let store = InMemoryLedgerStore(bytes: ledger.bytes)
        let read = try store.update { (bytes: [UInt8]?) throws(PrivacyLedgerError) -> (bytes: [UInt8]?, result: PrivacyLedger) in
            (nil, try PrivacyLedger(reading: bytes ?? []))
        }
        XCTAssertEqual(read, ledger)
        var cut = ledger.bytes
        cut.removeLast(3)
        XCTAssertThrowsError(try PrivacyLedger(reading: cut))
    }
}
