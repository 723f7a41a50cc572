import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

extension ExactReport {
    /// The report as CSV, one figure a row:
    /// `section,type,name,other_type,other_name,instances,share,components,lift,confidence_ab,confidence_ba,epsilon,estimate,unbiased,ci95_low,ci95_high`.
    /// LDP groups' estimates are `ldp_plugin`, `ldp_unlisted` and `ldp_pair` rows, with ε.
    /// A figure under the threshold shows as `< K` in `instances`, with the columns derived from
    /// it left empty; pairs under it are counted in the `suppressed` rows, not named. The first
    /// row after the header is the NOT FOR PUBLICATION notice (`notice`, the text in `name`),
    /// so that every row has the header's 16 columns. An interval end that is not finite (an
    /// LDP group of one instance) is an empty cell.
    public func csv(with focus: PluginName? = nil) -> String {
        csv(with: focus, notice: ExactReport.notice)
    }

    func csv(with focus: PluginName?, notice: String) -> String {
        var rows: [[String]] = [["section", "type", "name", "other_type", "other_name", "instances", "share",
                                 "components", "lift", "confidence_ab", "confidence_ba", "epsilon", "estimate", "unbiased", "ci95_low", "ci95_high"]]
        func row(_ section: String, type: String = "", name: String = "", otherType: String = "", otherName: String = "",
                 _ instances: String, share: String = "", components: String = "", lift: String = "",
                 ab: String = "", ba: String = "", epsilon: String = "", estimate: LDPEstimate? = nil) {
            var row = [section, type, name, otherType, otherName, instances, share, components, lift, ab, ba, epsilon]
            if let e = estimate {
                // `estimate` as in JSON (the share, clipped to [0, 1]); `unbiased` the value itself.
                row += [Format.fixed(e.share, 6), Format.fixed(e.unbiased, 6), Format.csvFixed(e.low, 6), Format.csvFixed(e.high, 6)]
            } else {
                row += ["", "", "", ""]
            }
            rows.append(row)
        }
        let below = "< \(minInstances)"
        row("notice", name: notice, "")
        row("total", name: "min_instances", String(minInstances))
        row("total", name: "lines", String(lines))
        row("total", name: "payloads", String(payloads))
        row("total", name: "instances", String(instances))
        for reason in RejectionReason.allCases.sorted() where (rejected[reason] ?? 0) > 0 {
            row("rejected", name: reason.rawValue, String(rejected[reason] ?? 0))
        }
        for bucket in UptimeBucket.allCases {
            row("uptime", name: bucket.key, uptime[bucket.rawValue].value.map(String.init) ?? below)
        }
        for p in plugins {
            row("plugin", type: p.plugin.kind.rawValue, name: p.plugin.name, String(p.instances),
                share: Format.fixed(p.share, 6), components: String(p.components))
        }
        for p in pluginsBelowThreshold {
            row("plugin", type: p.kind.rawValue, name: p.name, below)
        }
        for k in kinds {
            if let f = k.unlisted { row("unlisted", type: k.kind.rawValue, f.value.map(String.init) ?? below) }
            if let f = k.malformed { row("malformed", type: k.kind.rawValue, f.value.map(String.init) ?? below) }
        }
        for p in focus.map({ pairs(with: $0) }) ?? pairs {
            row("pair", type: p.a.kind.rawValue, name: p.a.name, otherType: p.b.kind.rawValue, otherName: p.b.name,
                String(p.instances), lift: Format.fixed(p.lift, 4), ab: Format.fixed(p.confidenceAB, 4),
                ba: Format.fixed(p.confidenceBA, 4))
        }
        for group in ldp where group.published {
            let eps = String(group.mechanism.epsilon)
            row("ldp_group", name: "instances", String(group.instances), epsilon: eps)
            for p in group.plugins {
                row("ldp_plugin", type: p.plugin.kind.rawValue, name: p.plugin.name, String(group.instances), epsilon: eps, estimate: p.estimate)
            }
            for u in group.unlisted {
                row("ldp_unlisted", type: u.kind.rawValue, String(group.instances), epsilon: eps, estimate: u.estimate)
            }
            for p in group.pairs {
                row("ldp_pair", type: p.a.kind.rawValue, name: p.a.name, otherType: p.b.kind.rawValue, otherName: p.b.name,
                    String(group.instances), epsilon: eps, estimate: p.estimate)
            }
        }
        row("suppressed", name: "plugins", String(suppressed.plugins))
        row("suppressed", name: "pairs", String(suppressed.pairs))
        row("suppressed", name: "kind_counts", String(suppressed.kindCounts))
        row("suppressed", name: "uptime_buckets", String(suppressed.uptimeBuckets))
        row("suppressed", name: "ldp_groups", String(suppressed.ldpGroups))
        return rows.map { $0.map(Format.csv).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
