import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

extension ExactReport {
    /// The report as JSON (`schema/report.schema.json`). Figures under the threshold are left
    /// out and counted in `suppressed`; rejected lines appear only as counts by reason.
    /// With `with`, `pairs` holds only the pairs with that plugin, as `a`, by confidence.
    public func json(with focus: PluginName? = nil) -> String {
        var out: [String] = ["{\"notice\": \(Format.json(ExactReport.notice)),"]
        func field(_ name: String, _ value: String, last: Bool = false) {
            out.append("  \(Format.json(name)): \(value)" + (last ? "" : ","))
        }
        out += Format.reportHeader(release: "exact")
        field("min_instances", String(minInstances))
        field("lines", String(lines))
        field("payloads", String(payloads))
        field("instances", String(instances))
        let reasons = RejectionReason.allCases.sorted().map { "\(Format.json($0.rawValue)): \(rejected[$0] ?? 0)" }
        field("rejected", "{" + reasons.joined(separator: ", ") + "}")
        var buckets: [String] = []
        for bucket in UptimeBucket.allCases {
            if let n = uptime[bucket.rawValue].value { buckets.append("\(Format.json(bucket.key)): \(n)") }
        }
        field("uptime", "{" + buckets.joined(separator: ", ") + "}")
        out.append(#"  "plugins": ["#)
        for (i, p) in plugins.enumerated() {
            out.append("    {\"type\": \(Format.json(p.plugin.kind.rawValue)), \"name\": \(Format.json(p.plugin.name)), "
                + "\"instances\": \(p.instances), \"share\": \(Format.fixed(p.share, 6)), \"components\": \(p.components)}"
                + (i + 1 < plugins.count ? "," : ""))
        }
        out.append("  ],")
        out.append(#"  "kinds": ["#)
        for (i, k) in kinds.enumerated() {
            var parts = ["\"type\": \(Format.json(k.kind.rawValue))"]
            if let n = k.unlisted?.value { parts.append("\"unlisted\": \(n)") }
            if let n = k.malformed?.value { parts.append("\"malformed\": \(n)") }
            out.append("    {" + parts.joined(separator: ", ") + "}" + (i + 1 < kinds.count ? "," : ""))
        }
        out.append("  ],")
        if let focus {
            field("with", "{\"type\": \(Format.json(focus.kind.rawValue)), \"name\": \(Format.json(focus.name))}")
        }
        let shown = focus.map { pairs(with: $0) } ?? pairs
        out.append(#"  "pairs": ["#)
        for (i, p) in shown.enumerated() {
            out.append("    {\"a\": {\"type\": \(Format.json(p.a.kind.rawValue)), \"name\": \(Format.json(p.a.name))}, "
                + "\"b\": {\"type\": \(Format.json(p.b.kind.rawValue)), \"name\": \(Format.json(p.b.name))}, "
                + "\"instances\": \(p.instances), \"lift\": \(Format.fixed(p.lift, 4)), "
                + "\"confidence_ab\": \(Format.fixed(p.confidenceAB, 4)), \"confidence_ba\": \(Format.fixed(p.confidenceBA, 4))}"
                + (i + 1 < shown.count ? "," : ""))
        }
        out.append("  ],")
        out.append(#"  "ldp": ["#)
        out += ldpJSON()
        out.append("  ],")
        field("suppressed", "{\"plugins\": \(suppressed.plugins), \"pairs\": \(suppressed.pairs), "
              + "\"kind_counts\": \(suppressed.kindCounts), \"uptime_buckets\": \(suppressed.uptimeBuckets), \"ldp_groups\": \(suppressed.ldpGroups), "
              + "\"total\": \(suppressed.total)}", last: true)
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }
}
