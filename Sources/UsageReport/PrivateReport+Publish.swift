import DifferentialPrivacy

/// The formats a private release is rendered in.
public enum ReleaseFormat: String, Sendable, CaseIterable {
    case table, json, csv, svg
}

/// A private release ready to print: made, charged (when a ledger is given), then rendered, in
/// that order, so nothing reaches standard output that the ledger has not recorded.
public struct PublishedRelease: Sendable {
    public let report: PrivateReport
    /// Lines for the operator (standard error), in the order to print them.
    public let notes: [String]
    /// The rendered release (standard output).
    public let text: String
}

extension PrivateReport {
    /// What a private release is made from: payloads read (the instances are known, each charged)
    /// or a counts file (they are not: every instance of the ledger is charged).
    public enum Input: Sendable {
        case payloads(CollectedInstances)
        case counts(CountsFile)
    }

    /// The ledger a release is charged to: its store, the name the notes give it, the cap to
    /// lower it to, and the ledger's note of the inputs.
    public struct Charge<Store: PrivacyLedgerStore> {
        public var store: Store
        public var name: String
        public var budget: Double?
        public var note: String
        public init(store: Store, name: String, budget: Double?, note: String) {
            self.store = store
            self.name = name
            self.budget = budget
            self.note = note
        }
    }

    /// The whole private release of `report --release dp`: release → charge → render. Without
    /// `charge`, the release is charged to no ledger (the caller says so). A refused release
    /// throws `.release(why)`; a ledger's refusal its own error; nothing is rendered then.
    public static func publish<G: RandomNumberGenerator, Store: PrivacyLedgerStore>(
        _ input: Input, bounds: ContributionBounds, epsilon: Double, delta: Double, charge: Charge<Store>?,
        format: ReleaseFormat, focus: Int?, using g: inout G
    ) throws(PrivacyLedgerError) -> PublishedRelease {
        var notes: [String] = []
        func plural(_ n: Int, _ noun: String) -> String { "\(n) " + (n == 1 ? noun : noun + "s") }
        func charged(_ ledger: PrivacyLedger) -> String {
            "the most spent is now ρ = \(Format.general(ledger.mostSpent)) of ρ = \(Format.general(ledger.rhoCap)) "
                + "(ε = \(ledger.budgetEpsilon) at δ = \(ledger.delta))"
        }
        let report: PrivateReport
        switch input {
        case .counts(let file):
            if let charge {
                let made = try PrivacyLedger.release(counts: file, store: charge.store, epsilon: epsilon, delta: delta,
                                                     budget: charge.budget, note: charge.note, using: &g)
                report = made.report
                notes.append("report: charged to \(charge.name): ρ = \(Format.general(report.rhoSpent)) to every instance "
                             + "(the counts' instances are unknown); " + charged(made.ledger))
            } else {
                do {
                    report = try PrivateReport.release(file.counts, index: file.index, bounds: file.bounds, epsilon: epsilon, delta: delta, using: &g)
                } catch {
                    throw .release(error.description)
                }
            }
        case .payloads(let builder):
            let cut: Int
            if let charge {
                let made = try PrivacyLedger.release(builder, store: charge.store, epsilon: epsilon, delta: delta, bounds: bounds,
                                                     budget: charge.budget, note: charge.note, using: &g)
                (report, cut) = (made.report, made.cut)
                if made.leftOut > 0 {
                    notes.append("report: \(made.leftOut) of \(plural(made.instancesRead, "instance")) left out of this release: "
                                 + "each has spent what the ledger's cap allows (\(charge.name))")
                }
                notes.append("report: charged to \(charge.name): ρ = \(Format.general(report.rhoSpent)) to each of "
                             + "\(plural(made.instancesRead - made.leftOut, "instance")); " + charged(made.ledger))
            } else {
                do {
                    (report, cut) = try builder.privateReport(epsilon: epsilon, delta: delta, bounds: bounds, using: &g)
                } catch {
                    throw .release(error.description)
                }
            }
            if cut > 0 {
                notes.append("report: \(plural(cut, "instance")) had more than \(bounds.maxPlugins) plugins: "
                             + "a random \(bounds.maxPlugins) of each were counted (for the operator; not in the release)")
            }
            if builder.ldpPayloads > 0 {
                notes.append("report: \(plural(builder.ldpPayloads, "LDP payload")) left out of the private release "
                             + "(their estimates carry only their local guarantee): --release ldp prints them")
            }
        }
        if let warning = report.noiseWarning {
            notes.append("report: \(warning). Collect payloads for longer before publishing; the operator can read "
                         + "the exact figures with --release exact (not for publication)")
        }
        let text = switch format {
        case .json: report.json(with: focus)
        case .csv: report.csv(with: focus)
        case .svg: report.svg()
        case .table: report.table(with: focus)
        }
        return PublishedRelease(report: report, notes: notes, text: text)
    }
}
