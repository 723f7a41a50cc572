import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

extension ExactReport {
    /// The report for a terminal: totals, rejected lines, uptimes, the top plugins of each kind,
    /// unlisted and malformed counts, then the top pairs by lift (or, with `with`, what goes
    /// with that plugin, by confidence).
    public func table(with focus: PluginName? = nil, topPlugins: Int = 15, topPairs: Int = 20) -> String {
        var out: [String] = [ExactReport.notice]
        let below = "< \(minInstances)"
        let rejectedLines = rejected.filter { $0.key != .conflict }.values.reduce(0, +)
        let ldpPayloads = ldp.reduce(0) { $0 + $1.payloads }
        if instances == 0 && !publishedLDP.isEmpty {
            // An LDP-only collection: lead with what it has.
            out.append("Usage report: no exact payload; \(Format.plural(ldpPayloads, "LDP payload")) in "
                       + "\(Format.plural(publishedLDP.count, "group")) (\(Format.plural(lines, "line")) read, \(Format.grouped(rejectedLines)) rejected)")
            out += ldpTable(topPlugins: topPlugins, topPairs: topPairs)
            return out.joined(separator: "\n") + "\n"
        }
        out.append("Usage report: \(Format.plural(instances, "instance")) "
                   + "(\(Format.plural(payloads, "payload")) accepted of \(Format.plural(lines, "line")); "
                   + (ldpPayloads > 0 ? "\(Format.plural(ldpPayloads, "LDP payload")), reported apart below; " : "")
                   + "\(Format.grouped(rejectedLines)) rejected)")
        if minInstances > 1 {
            out.append("No figure resting on fewer than \(Format.plural(minInstances, "instance")) is shown: those read \"\(below)\".")
        } else {
            out.append("Every figure is shown (--min-instances 1): small counts can single out an instance.")
        }
        if !rejected.isEmpty {
            out.append("")
            out.append("Rejected (never shown, counted by reason)")
            out += Format.columns(RejectionReason.allCases.sorted().compactMap { reason in
                guard let n = rejected[reason], n > 0 else { return nil }
                return [reason == .conflict ? "conflict (ids)" : reason.rawValue, Format.grouped(n)]
            })
        }
        out.append("")
        out.append("Uptime at the last payload")
        out += Format.columns(UptimeBucket.allCases.map { bucket in
            [bucket.label, uptime[bucket.rawValue].value.map(Format.grouped) ?? below]
        })
        for kind in CatalogIndex.kinds {
            let published = plugins.filter { $0.plugin.kind == kind }
            let hidden = pluginsBelowThreshold.filter { $0.kind == kind }
            guard !published.isEmpty || !hidden.isEmpty else { continue }
            out.append("")
            let more = published.count > topPlugins ? " (top \(topPlugins) of \(published.count))" : ""
            out.append("\(kind.rawValue) plugins\(more)")
            var rows = [["PLUGIN", "INSTANCES", "SHARE", "COMPONENTS"]]
            for p in published.prefix(topPlugins) {
                rows.append([p.plugin.name, Format.grouped(p.instances), Format.percent(p.share), Format.grouped(p.components)])
            }
            for p in hidden.prefix(max(0, topPlugins - published.count)) { rows.append([p.name, below, "", ""]) }
            out += Format.columns(rows)
            let unshown = hidden.count - max(0, min(hidden.count, topPlugins - published.count))
            if unshown > 0 { out.append("  and \(Format.plural(unshown, "more plugin")) used by \(below) instances") }
        }
        if !kinds.isEmpty {
            out.append("")
            out.append("Instances with unlisted or malformed components")
            var rows = [["KIND", "UNLISTED", "MALFORMED"]]
            for k in kinds {
                rows.append([k.kind.rawValue, k.unlisted.map { $0.value.map(Format.grouped) ?? below } ?? "0",
                             k.malformed.map { $0.value.map(Format.grouped) ?? below } ?? "0"])
            }
            out += Format.columns(rows)
        }
        out.append("")
        let shown: [PairFigure]
        if let focus {
            shown = pairs(with: focus)
            let total: String
            switch figure(for: focus) {
            case .count(let n): total = Format.plural(n, "instance")
            case .belowThreshold: total = "\(below) instances: nothing can be shown"
            case nil: total = "no instance uses it"
            }
            out.append("What goes with \(focus) (\(total)), by confidence")
            out.append("  CONFIDENCE: share of its instances that also use the other plugin.")
        } else {
            shown = pairs
            out.append("Pairs used together, by lift (top \(min(topPairs, pairs.count)) of \(pairs.count) published; "
                       + "\(Format.plural(suppressed.pairs, "pair")) under \(Format.plural(minInstances, "instance")) not shown)")
            out.append("  LIFT: how much more often than chance the two go together (1 = independent).")
        }
        var rows = [focus == nil ? ["A", "B", "BOTH", "LIFT", "A→B", "B→A"] : ["WITH", "BOTH", "CONFIDENCE", "LIFT", "REVERSE"]]
        for p in shown.prefix(topPairs) {
            if focus == nil {
                rows.append([p.a.description, p.b.description, Format.grouped(p.instances), Format.fixed(p.lift, 2),
                             Format.percent(p.confidenceAB), Format.percent(p.confidenceBA)])
            } else {
                rows.append([p.b.description, Format.grouped(p.instances), Format.percent(p.confidenceAB),
                             Format.fixed(p.lift, 2), Format.percent(p.confidenceBA)])
            }
        }
        if shown.isEmpty {
            out.append("  (none published)")
        } else {
            out += Format.columns(rows, leftAligned: focus == nil ? 2 : 1)
        }
        out += ldpTable(topPlugins: topPlugins, topPairs: topPairs)
        return out.joined(separator: "\n") + "\n"
    }
}
