import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

extension ExactReport {
    /// The `ldp` array of the JSON report: one object per group of LDP payloads.
    func ldpJSON() -> [String] {
        var lines: [String] = []
        let published = ldp.filter(\.published)
        for (g, group) in published.enumerated() {
            let m = group.mechanism
            var head = "    {\"mechanism\": \(Format.json(OptimizedUnaryEncoding.mechanismName)), \"epsilon\": \(m.epsilon), "
            head += "\"catalog\": \(Format.json(group.fingerprint)), \"p\": \(m.p), \"q\": \(m.q), "
            head += "\"payloads\": \(group.payloads)"
            let last = g + 1 == published.count
            lines.append(head + ", \"instances\": \(group.instances), \"conflicts\": \(group.conflicts), "
                         + "\"simultaneous_z\": {\"bits\": \(Format.fixed(group.bitZ, 4)), \"pairs\": \(Format.fixed(group.pairZ, 4))},")
            lines.append("     \"plugins\": [")
            for (i, p) in group.plugins.enumerated() {
                lines.append("      {\"type\": \(Format.json(p.plugin.kind.rawValue)), \"name\": \(Format.json(p.plugin.name)), "
                             + Self.estimateFields(p.estimate) + "}" + (i + 1 < group.plugins.count ? "," : ""))
            }
            lines.append("     ],")
            lines.append("     \"unlisted\": [")
            for (i, u) in group.unlisted.enumerated() {
                lines.append("      {\"type\": \(Format.json(u.kind.rawValue)), " + Self.estimateFields(u.estimate) + "}"
                             + (i + 1 < group.unlisted.count ? "," : ""))
            }
            lines.append("     ],")
            lines.append("     \"pairs\": [")
            for (i, p) in group.pairs.enumerated() {
                lines.append("      {\"a\": {\"type\": \(Format.json(p.a.kind.rawValue)), \"name\": \(Format.json(p.a.name))}, "
                             + "\"b\": {\"type\": \(Format.json(p.b.kind.rawValue)), \"name\": \(Format.json(p.b.name))}, "
                             + Self.estimateFields(p.estimate) + "}" + (i + 1 < group.pairs.count ? "," : ""))
            }
            lines.append("     ],")
            lines.append("     \"pairs_not_distinguishable\": \(group.pairsNotDistinguishable)}" + (last ? "" : ","))
        }
        return lines
    }

    static func estimateFields(_ e: LDPEstimate) -> String {
        "\"estimate\": \(Format.fixed(e.share, 6)), \"unbiased\": \(Format.fixed(e.unbiased, 6)), "
            + "\"ci95\": [\(Format.jsonFixed(e.low, 6)), \(Format.jsonFixed(e.high, 6))], "
            + "\"distinguishable_from_zero\": \(e.distinguishableFromZero)"
    }

    /// `12.3% ± 1.4` (percentage points), `~` marking an estimate not distinguishable from 0;
    /// `± ∞` when there is no interval (a group of one instance has no standard error).
    static func estimateText(_ e: LDPEstimate) -> String {
        let half = LDPEstimator.z95 * e.standardError
        return Format.fixed(e.unbiased * 100, 1) + "% ± " + (half.isFinite ? Format.fixed(half * 100, 1) : "∞")
            + (e.distinguishableFromZero ? "" : " ~")
    }

    /// The table's LDP sections.
    func ldpTable(topPlugins: Int, topPairs: Int) -> [String] {
        var out: [String] = []
        let hidden = ldp.filter { !$0.published }.count
        if hidden > 0 {
            out.append("")
            out.append("\(Format.plural(hidden, "group")) of LDP payloads with fewer than \(Format.plural(minInstances, "instance")): nothing about \(hidden == 1 ? "it" : "them") is shown")
        }
        for group in ldp where group.published {
            let m = group.mechanism
            out.append("")
            out.append("LDP payloads (optimized unary encoding, plugin-level ε = \(Format.fixed(m.epsilon, 4)), p = \(Format.fixed(m.p, 4)), "
                       + "q = \(Format.fixed(m.q, 4)); catalogue \(group.fingerprint)): reported apart from exact payloads")
            out.append("  \(Format.plural(group.instances, "instance")) (\(Format.plural(group.payloads, "payload"))). "
                       + "Estimated shares with 95% intervals (±, percentage points).")
            out.append("  Shown: estimates distinguishable from 0 by simultaneous 95% intervals "
                       + "(z = \(Format.fixed(group.bitZ, 2)) for plugins, \(Format.fixed(group.pairZ, 2)) for pairs).")
            for kind in CatalogIndex.kinds {
                let rows = group.plugins.filter { $0.plugin.kind == kind }.sorted { $0.estimate.unbiased > $1.estimate.unbiased }
                let shown = rows.prefix(topPlugins).filter { $0.estimate.distinguishableFromZero }
                guard !shown.isEmpty else { continue }
                out.append("  \(kind.rawValue) plugins (top \(shown.count) distinguishable from 0 of \(rows.count))")
                out += Format.columns([["PLUGIN", "ESTIMATED SHARE"]] + shown.map { [$0.plugin.name, Self.estimateText($0.estimate)] },
                                      indent: "    ")
            }
            let unlisted = group.unlisted.filter { $0.estimate.distinguishableFromZero }
            if !unlisted.isEmpty {
                out.append("  instances with unlisted components")
                out += Format.columns([["KIND", "ESTIMATED SHARE"]] + unlisted.map { [$0.kind.rawValue, Self.estimateText($0.estimate)] },
                                      indent: "    ")
            }
            out.append("  pairs used together (top \(min(topPairs, group.pairs.count)) of \(group.pairs.count) distinguishable from 0; "
                       + "\(Format.grouped(group.pairsNotDistinguishable)) others not)")
            if !group.pairs.isEmpty {
                out += Format.columns([["A", "B", "ESTIMATED SHARE WITH BOTH"]]
                                      + group.pairs.prefix(topPairs).map { [$0.a.description, $0.b.description, Self.estimateText($0.estimate)] },
                                      leftAligned: 2, indent: "    ")
            }
        }
        return out
    }
}
