import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

/// The private release in the four formats. Every number printed is a noisy count, a function
/// of noisy counts, or a public parameter; each figure carries its 95% interval.
extension PrivateReport {
    /// One line saying what the release is and what it guarantees.
    public var headline: String {
        "Differentially private release: ε = \(Format.fixed(epsilon, 3)) (spent \(Format.fixed(epsilonSpent, 4))), "
            + "δ = \(Format.scientific(delta)), ρ = \(Format.fixed(rhoSpent, 5)) (zCDP); "
            + "an instance contributes at most C = \(bounds.maxPlugins) plugins (\(bounds.maxPairs) pairs), "
            + "\(bounds.maxComponents) components of a plugin"
    }

    static func countText(_ c: NoisyCount) -> String {
        Format.grouped(Int(clamping: c.value)) + " ± " + Format.grouped(c.halfWidth95)
    }

    static func derivedText(_ d: Derived, percent: Bool) -> String {
        if percent {
            return Format.percent(d.estimate) + " (" + Format.fixed(d.low * 100, 1) + "–" + Format.fixed(d.high * 100, 1) + ")"
        }
        let high = d.high.isFinite ? Format.fixed(d.high, 2) : "∞"
        return Format.fixed(d.estimate, 2) + " (" + Format.fixed(d.low, 2) + "–" + high + ")"
    }

    // MARK: table

    public func table(with focus: Int? = nil, topPlugins: Int = 15, topPairs: Int = 20) -> String {
        var out: [String] = []
        out.append(headline)
        out.append("Every figure has discrete Gaussian noise; ± and (low–high) are its 95% interval from that noise. "
                   + "Counts are unbiased and can be negative.")
        out.append("")
        out.append("Instances: \(Self.countText(instances))")
        out.append("Conflicting ids (payloads that disagreed): \(Self.countText(conflicts))")
        out.append("")
        out.append("Uptime at the last payload")
        out += Format.columns(UptimeBucket.allCases.map { [$0.label, Self.countText(uptime[$0.rawValue])] })
        let plugins = noise(.plugins)
        for (k, kind) in CatalogIndex.kinds.enumerated() {
            let members = (0..<index.count).filter { index.kind(ofPlugin: $0) == k }
            let shown = members.filter { shows(plugin: $0) }.sorted { pluginInstances[$0] > pluginInstances[$1] }
            guard !members.isEmpty else { continue }
            out.append("")
            guard !shown.isEmpty else {
                out.append("\(kind.rawValue) plugins (none of \(members.count) in the catalogue above \(plugins.displayThreshold))")
                out.append("  (no \(kind.rawValue) plugin's noisy count is above \(plugins.displayThreshold))")
                continue
            }
            out.append("\(kind.rawValue) plugins (top \(min(topPlugins, shown.count)) of \(shown.count) above "
                       + "\(plugins.displayThreshold), of \(members.count) in the catalogue)")
            var rows = [["PLUGIN", "INSTANCES", "SHARE", "COMPONENTS"]]
            for p in shown.prefix(topPlugins) {
                rows.append([index.names[p].name, Self.countText(plugin(p)),
                             Self.derivedText(share(of: pluginInstances[p], .plugins), percent: true),
                             Self.countText(componentCount(p))])
            }
            out += Format.columns(rows)
        }
        out.append("")
        out.append("Instances with unlisted or malformed components")
        var rows = [["KIND", "UNLISTED", "MALFORMED"]]
        let kindHalf = noise(.kinds).halfWidth95
        for (k, kind) in CatalogIndex.kinds.enumerated() {
            rows.append([kind.rawValue, Self.countText(NoisyCount(value: unlisted[k], halfWidth95: kindHalf)),
                         Self.countText(NoisyCount(value: malformed[k], halfWidth95: kindHalf))])
        }
        out += Format.columns(rows)
        out.append("")
        let pairNoise = noise(.pairs)
        let shown = shownPairs(with: focus)
        if let focus {
            out.append("What goes with \(index.names[focus]) (\(Self.countText(plugin(focus))) instances), by confidence; "
                       + "pairs above \(pairNoise.displayThreshold)")
            out.append("  CONFIDENCE: share of its instances that also use the other plugin.")
        } else {
            out.append("Pairs used together, by lift (top \(min(topPairs, shown.count)) of \(shown.count) above "
                       + "\(pairNoise.displayThreshold), of \(Format.grouped(pairs.count)) in the catalogue)")
            out.append("  LIFT: how much more often than chance the two go together (1 = independent).")
        }
        var pairRows = [focus == nil ? ["A", "B", "BOTH", "LIFT", "A→B", "B→A"] : ["WITH", "BOTH", "CONFIDENCE", "LIFT", "REVERSE"]]
        for p in shown.prefix(topPairs) {
            let both = Self.countText(pair(p.a, p.b)), lift = Self.derivedText(self.lift(p.a, p.b), percent: false)
            let ab = Self.derivedText(confidence(p.a, p.b), percent: true), ba = Self.derivedText(confidence(p.b, p.a), percent: true)
            pairRows.append(focus == nil ? [index.names[p.a].description, index.names[p.b].description, both, lift, ab, ba]
                                         : [index.names[p.b].description, both, ab, lift, ba])
        }
        if shown.isEmpty {
            out.append("  (no pair's noisy count is above \(pairNoise.displayThreshold))")
        } else {
            out += Format.columns(pairRows, leftAligned: focus == nil ? 2 : 1)
        }
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: JSON

    static func countJSON(_ c: NoisyCount) -> String {
        "{\"estimate\": \(c.value), \"ci95\": [\(c.low), \(c.high)]}"
    }

    static func derivedJSON(_ d: Derived, digits: Int = 6) -> String {
        "{\"estimate\": \(Format.fixed(d.estimate, digits)), \"ci95\": [\(Format.fixed(d.low, digits)), "
            + (d.high.isFinite ? Format.fixed(d.high, digits) : "null") + "]}"
    }

    /// `schema/report.schema.json`, release "dp": every catalogue plugin, the pairs above the
    /// display threshold (with `focus`, only the focus's pairs), each figure `{estimate, ci95}`.
    public func json(with focus: Int? = nil) -> String {
        var out: [String] = ["{"]
        func field(_ name: String, _ value: String, last: Bool = false) {
            out.append("  \(Format.json(name)): \(value)" + (last ? "" : ","))
        }
        out += Format.reportHeader(release: "dp")
        var privacy: [String] = [
            "\"unit\": \"instance\"", "\"epsilon\": \(Format.json(epsilon))", "\"delta\": \(Format.json(delta))",
            "\"rho\": \(Format.json(rhoSpent))", "\"rho_budget\": \(Format.json(rhoBudget))",
            "\"epsilon_spent\": \(Format.json(epsilonSpent))",
            "\"conversion\": \"Canonne, Kamath and Steinke 2020, Corollary 13\"",
            "\"noise\": \"discrete Gaussian, sampled exactly from the system CSPRNG\"",
            "\"max_plugins\": \(bounds.maxPlugins)", "\"max_pairs\": \(bounds.maxPairs)", "\"max_components\": \(bounds.maxComponents)",
        ]
        var groupLines: [String] = []
        for g in groups {
            groupLines.append("{\"figures\": \(Format.json(g.group.rawValue)), \"count\": \(g.coordinates), "
                              + "\"sensitivity_squared\": \(g.sensitivitySquared), \"sigma_squared\": \(Format.json(g.noise.variance)), "
                              + "\"rho\": \(Format.json(g.rho)), \"ci95_half_width\": \(g.halfWidth95), "
                              + "\"display_threshold\": \(g.displayThreshold)}")
        }
        privacy.append("\"groups\": [\n    " + groupLines.joined(separator: ",\n    ") + "]")
        field("privacy", "{" + privacy.joined(separator: ", ") + "}")
        field("instances", Self.countJSON(instances))
        field("conflicts", Self.countJSON(conflicts))
        field("uptime", "{" + UptimeBucket.allCases.map { "\(Format.json($0.key)): \(Self.countJSON(uptime[$0.rawValue]))" }
            .joined(separator: ", ") + "}")
        out.append(#"  "plugins": ["#)
        for p in 0..<index.count {
            let name = index.names[p]
            out.append("    {\"type\": \(Format.json(name.kind.rawValue)), \"name\": \(Format.json(name.name)), "
                       + "\"instances\": \(Self.countJSON(plugin(p))), \"share\": \(Self.derivedJSON(share(of: pluginInstances[p], .plugins))), "
                       + "\"components\": \(Self.countJSON(componentCount(p))), \"shown\": \(shows(plugin: p))}"
                       + (p + 1 < index.count ? "," : ""))
        }
        out.append("  ],")
        out.append(#"  "kinds": ["#)
        let kindHalf = noise(.kinds).halfWidth95
        for (k, kind) in CatalogIndex.kinds.enumerated() {
            out.append("    {\"type\": \(Format.json(kind.rawValue)), "
                       + "\"unlisted\": \(Self.countJSON(NoisyCount(value: unlisted[k], halfWidth95: kindHalf))), "
                       + "\"malformed\": \(Self.countJSON(NoisyCount(value: malformed[k], halfWidth95: kindHalf)))}"
                       + (k + 1 < CatalogIndex.kinds.count ? "," : ""))
        }
        out.append("  ],")
        if let focus {
            field("with", "{\"type\": \(Format.json(index.names[focus].kind.rawValue)), \"name\": \(Format.json(index.names[focus].name))}")
        }
        field("pairs_display_threshold", String(noise(.pairs).displayThreshold))
        let shown = shownPairs(with: focus)
        out.append(#"  "pairs": ["#)
        for (i, p) in shown.enumerated() {
            let a = index.names[p.a], b = index.names[p.b]
            out.append("    {\"a\": {\"type\": \(Format.json(a.kind.rawValue)), \"name\": \(Format.json(a.name))}, "
                       + "\"b\": {\"type\": \(Format.json(b.kind.rawValue)), \"name\": \(Format.json(b.name))}, "
                       + "\"instances\": \(Self.countJSON(pair(p.a, p.b))), \"lift\": \(Self.derivedJSON(lift(p.a, p.b), digits: 4)), "
                       + "\"confidence_ab\": \(Self.derivedJSON(confidence(p.a, p.b), digits: 4)), "
                       + "\"confidence_ba\": \(Self.derivedJSON(confidence(p.b, p.a), digits: 4))}"
                       + (i + 1 < shown.count ? "," : ""))
        }
        out.append("  ]")
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: CSV

    /// One figure a row: `section,type,name,other_type,other_name,estimate,ci95_low,ci95_high`;
    /// counts, shares (`plugin_share`), lifts and confidences alike. The first rows state the
    /// parameters (`privacy`), which are public, not figures.
    public func csv(with focus: Int? = nil) -> String {
        var rows: [[String]] = [["section", "type", "name", "other_type", "other_name", "estimate", "ci95_low", "ci95_high"]]
        func count(_ section: String, type: String = "", name: String = "", otherType: String = "", otherName: String = "", _ c: NoisyCount) {
            rows.append([section, type, name, otherType, otherName, String(c.value), String(c.low), String(c.high)])
        }
        func derived(_ section: String, type: String = "", name: String = "", otherType: String = "", otherName: String = "",
                     _ d: Derived, digits: Int = 6) {
            rows.append([section, type, name, otherType, otherName, Format.fixed(d.estimate, digits), Format.fixed(d.low, digits),
                         Format.csvFixed(d.high, digits)])
        }
        for (key, value) in [("release", "dp"), ("epsilon", Format.json(epsilon)), ("delta", Format.json(delta)),
                             ("rho", Format.json(rhoSpent)), ("epsilon_spent", Format.json(epsilonSpent)),
                             ("max_plugins", String(bounds.maxPlugins)), ("max_pairs", String(bounds.maxPairs)),
                             ("max_components", String(bounds.maxComponents)),
                             ("pairs_display_threshold", String(noise(.pairs).displayThreshold))] {
            rows.append(["privacy", "", key, "", "", value, "", ""])
        }
        count("total", name: "instances", instances)
        count("total", name: "conflicts", conflicts)
        for bucket in UptimeBucket.allCases { count("uptime", name: bucket.key, uptime[bucket.rawValue]) }
        for p in 0..<index.count {
            let name = index.names[p]
            count("plugin", type: name.kind.rawValue, name: name.name, plugin(p))
            derived("plugin_share", type: name.kind.rawValue, name: name.name, share(of: pluginInstances[p], .plugins))
            count("plugin_components", type: name.kind.rawValue, name: name.name, componentCount(p))
        }
        let kindHalf = noise(.kinds).halfWidth95
        for (k, kind) in CatalogIndex.kinds.enumerated() {
            count("unlisted", type: kind.rawValue, NoisyCount(value: unlisted[k], halfWidth95: kindHalf))
            count("malformed", type: kind.rawValue, NoisyCount(value: malformed[k], halfWidth95: kindHalf))
        }
        for p in shownPairs(with: focus) {
            let a = index.names[p.a], b = index.names[p.b]
            count("pair", type: a.kind.rawValue, name: a.name, otherType: b.kind.rawValue, otherName: b.name, pair(p.a, p.b))
            derived("pair_lift", type: a.kind.rawValue, name: a.name, otherType: b.kind.rawValue, otherName: b.name, lift(p.a, p.b), digits: 4)
            derived("pair_confidence", type: a.kind.rawValue, name: a.name, otherType: b.kind.rawValue, otherName: b.name,
                    confidence(p.a, p.b), digits: 4)
            derived("pair_confidence", type: b.kind.rawValue, name: b.name, otherType: a.kind.rawValue, otherName: a.name,
                    confidence(p.b, p.a), digits: 4)
        }
        return rows.map { $0.map(Format.csv).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    // MARK: SVG

    /// Plugin shares per kind with their 95% intervals drawn as whiskers.
    public func svg(topPlugins: Int = 12) -> String {
        let width = 780, labelWidth = 210, barMax = 440, rowHeight = 20, left = 20
        var body: [String] = []
        var y = 86
        func bar(_ name: String, _ share: Double, _ low: Double, _ high: Double, _ label: String, _ tip: String) {
            let length = max(1, Int((min(1, max(0, share)) * Double(barMax)).rounded()))
            let x0 = left + labelWidth + Int((min(1, max(0, low)) * Double(barMax)).rounded())
            let x1 = left + labelWidth + Int((min(1, max(0, high)) * Double(barMax)).rounded())
            let mid = y + rowHeight / 2
            body.append("<text x=\"\(left + labelWidth - 8)\" y=\"\(y + 14)\" class=\"name\">\(Format.xml(name))</text>")
            body.append("<rect x=\"\(left + labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 6)\" class=\"bar\">"
                        + "<title>\(Format.xml(tip))</title></rect>")
            body.append("<path d=\"M\(x0) \(mid)H\(x1)M\(x0) \(mid - 4)V\(mid + 4)M\(x1) \(mid - 4)V\(mid + 4)\" class=\"whisker\"/>")
            body.append("<text x=\"\(max(x1, left + labelWidth + length) + 6)\" y=\"\(y + 14)\" class=\"value\">\(Format.xml(label))</text>")
            y += rowHeight
        }
        do {
            for (k, kind) in CatalogIndex.kinds.enumerated() {
                let above = (0..<index.count).filter { index.kind(ofPlugin: $0) == k && shows(plugin: $0) }
                    .sorted { pluginInstances[$0] > pluginInstances[$1] }
                guard !above.isEmpty else { continue }
                body.append("<text x=\"\(left)\" y=\"\(y)\" class=\"kind\">\(Format.xml(kind.rawValue))</text>")
                y += 8
                for p in above.prefix(topPlugins) {
                    let s = share(of: pluginInstances[p], .plugins)
                    bar(index.names[p].name, s.estimate, s.low, s.high, Self.derivedText(s, percent: true),
                        "\(index.names[p].description): \(Self.countText(plugin(p))) instances")
                }
                if above.count > topPlugins {
                    body.append(Format.svgMore(above.count - topPlugins, "\(kind.rawValue) plugins", x: left, y: y + 14,
                                               beyond: "above the display threshold"))
                    y += rowHeight
                }
                y += 22
            }
        }
        if body.isEmpty {
            body.append("<text x=\"\(left)\" y=\"\(y)\" class=\"value\">No plugin's noisy count is above the display threshold "
                        + "(\(noise(.plugins).displayThreshold)).</text>")
            y += 22
        }
        let height = y + 10
        var out: [String] = []
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
                   + "role=\"img\" aria-label=\"Plugin shares per kind, differentially private\">")
        out.append("<style>text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:12px;fill:#222}"
                   + ".title{font-size:16px;font-weight:600}.kind{font-size:13px;font-weight:600}"
                   + ".name{text-anchor:end}.value{fill:#555}.bar{fill:#3b6ea8}.whisker{stroke:#111;stroke-width:1.2;fill:none}</style>")
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>")
        let title = "Plugin shares per kind: \(Self.countText(instances)) instances"
        out.append("<text x=\"\(left)\" y=\"26\" class=\"title\">\(Format.xml(title))</text>")
        out.append("<text x=\"\(left)\" y=\"46\" class=\"value\">\(Format.xml("Differentially private: ε = \(Format.fixed(epsilon, 3)), δ = \(Format.scientific(delta)), C = \(bounds.maxPlugins) plugins an instance."))</text>")
        out.append("<text x=\"\(left)\" y=\"64\" class=\"value\">Bars are noisy shares; whiskers their 95% intervals from the noise.</text>")
        out += body
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}

extension Format {
    /// `fixed` for JSON: null for an infinite or undefined value (an interval of one instance).
    static func jsonFixed(_ x: Double, _ digits: Int) -> String { x.isFinite ? fixed(x, digits) : "null" }

    /// `fixed` for CSV: an empty cell for an infinite or undefined value.
    static func csvFixed(_ x: Double, _ digits: Int) -> String { x.isFinite ? fixed(x, digits) : "" }

    /// A JSON number for a public parameter (shortest round-trip form).
    static func json(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        return "\(x)"
    }

    /// `1e-07` style for small parameters, else fixed.
    static func scientific(_ x: Double) -> String {
        if x >= 0.001 || x == 0 { return fixed(x, 4) }
        var exponent = 0
        var m = x
        while m < 1 { m *= 10; exponent -= 1 }
        let mantissa = fixed(m, 2)
        let trimmed = mantissa.hasSuffix(".00") ? String(mantissa.dropLast(3)) : mantissa
        return trimmed + "e" + String(exponent)
    }
}
