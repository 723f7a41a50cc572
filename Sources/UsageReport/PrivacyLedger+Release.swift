import DifferentialPrivacy

/// A private release charged to a ledger.
public struct ChargedRelease: Sendable {
    public let report: PrivateReport
    /// Instances that lost plugins to the contribution bound (for the operator).
    public let cut: Int
    /// Instances read, and those left out because their spend would pass the cap.
    public let instancesRead: Int
    public let leftOut: Int
    /// The ledger after the charge.
    public let ledger: PrivacyLedger
}

extension PrivacyLedger {
    /// Makes a private release of `builder`'s instances and charges it to the ledger in `store`
    /// (made at `delta` with cap `budget`, or `defaultBudget`, if the store is empty), under the
    /// store's exclusive access: the instances whose spend would pass the cap are left out
    /// before the noise is drawn, the release is made over the others, and each of them is
    /// charged its ρ. Nothing is stored when anything fails, and when every instance is left out
    /// the release is refused (`everyInstanceSpent`). `budget` lowers the cap of an existing
    /// ledger; a higher one is refused.
    public static func release<G: RandomNumberGenerator>(
        _ builder: CollectedInstances, store: some PrivacyLedgerStore, epsilon: Double, delta: Double,
        bounds: ContributionBounds, budget: Double?, note: String, using g: inout G
    ) throws(PrivacyLedgerError) -> ChargedRelease {
        try store.update { (stored: [UInt8]?) throws(PrivacyLedgerError) -> (bytes: [UInt8]?, result: ChargedRelease) in
            var ledger = try open(stored, delta: delta, budget: budget)
            let rho = PrivacyAccounting.rho(epsilon: epsilon, delta: delta)
            var admitted = builder
            let read = builder.instanceCount
            admitted.keepInstances { ledger.admits($0.instanceKey, rho: rho) }
            let leftOut = read - admitted.instanceCount
            guard read > 0 else { throw .noInstance }
            guard admitted.instanceCount > 0 else {
                throw .everyInstanceSpent(instances: read, rhoCap: ledger.rhoCap, release: rho, epsilonCap: ledger.budgetEpsilon, delta: ledger.delta)
            }
            let made: (report: PrivateReport, cut: Int)
            do {
                made = try admitted.privateReport(epsilon: epsilon, delta: delta, bounds: bounds, using: &g)
            } catch {
                throw .release("\(error)")
            }
            ledger.charge(admitted.instanceIDs.map(\.instanceKey), rho: made.report.rhoSpent, leftOut: leftOut,
                          note: "epsilon=\(epsilon) delta=\(delta) max-plugins=\(bounds.maxPlugins) " + note)
            return (ledger.bytes, ChargedRelease(report: made.report, cut: made.cut, instancesRead: read, leftOut: leftOut, ledger: ledger))
        }
    }

    /// Makes a private release of a counts file, whose instances are unknown, and charges it to
    /// every instance of the ledger (refused when that would pass any instance's cap).
    public static func release<G: RandomNumberGenerator>(
        counts file: CountsFile, store: some PrivacyLedgerStore, epsilon: Double, delta: Double,
        budget: Double?, note: String, using g: inout G
    ) throws(PrivacyLedgerError) -> (report: PrivateReport, ledger: PrivacyLedger) {
        try store.update { (stored: [UInt8]?) throws(PrivacyLedgerError) -> (bytes: [UInt8]?, result: (report: PrivateReport, ledger: PrivacyLedger)) in
            var ledger = try open(stored, delta: delta, budget: budget)
            let report: PrivateReport
            do {
                report = try PrivateReport.release(file.counts, index: file.index, bounds: file.bounds, epsilon: epsilon, delta: delta, using: &g)
            } catch {
                throw .release("\(error)")
            }
            // Checked with the ρ the parameters allow, charged with the ρ spent (at most that).
            guard ledger.mostSpent + report.rhoBudget <= ledger.rhoCap else {
                throw .unidentifiedReleaseRefused(worstSpent: ledger.mostSpent, release: report.rhoBudget, rhoCap: ledger.rhoCap,
                                                  epsilonCap: ledger.budgetEpsilon, delta: ledger.delta)
            }
            try ledger.chargeEveryone(rho: report.rhoSpent, note: "counts epsilon=\(epsilon) delta=\(delta) max-plugins=\(file.bounds.maxPlugins) " + note)
            return (ledger.bytes, (report, ledger))
        }
    }

    /// Records a release that spends no central ρ.
    public static func recordWithoutCharge(store: some PrivacyLedgerStore, delta: Double, budget: Double?, note: String) throws(PrivacyLedgerError) -> PrivacyLedger {
        try store.update { (stored: [UInt8]?) throws(PrivacyLedgerError) -> (bytes: [UInt8]?, result: PrivacyLedger) in
            var ledger = try open(stored, delta: delta, budget: budget)
            ledger.recordWithoutCharge(note: note)
            return (ledger.bytes, ledger)
        }
    }

    /// The stored ledger, or a new one at `delta`; its δ must be `delta`; `budget` may lower its cap.
    package static func open(_ stored: [UInt8]?, delta: Double, budget: Double?) throws(PrivacyLedgerError) -> PrivacyLedger {
        guard let stored, !stored.isEmpty else { return PrivacyLedger(delta: delta, budgetEpsilon: budget ?? defaultBudget) }
        var ledger = try PrivacyLedger(reading: stored)
        guard ledger.delta == delta else { throw .deltaMismatch(ledger: ledger.delta, asked: delta) }
        if let budget { try ledger.lowerCap(to: budget) }
        return ledger
    }
}
