import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

/// `report --release ldp`: the groups of LDP payloads alone, with the guarantee they have.
extension ExactReport {
    /// What holds for these figures, said first in every format.
    public static let ldpNotice = "LDP payloads only: what each payload says carries the plugin-level ε of the mechanism that drew it, "
        + "for anyone who reads it; the number of instances in a group, and whether an instance sent a payload at all, are not protected"

    var publishedLDP: [LDPGroupReport] { ldp.filter(\.published) }

    /// The LDP groups as a table (the same section as in the exact view, led by the notice).
    public func ldpReleaseTable(topPlugins: Int = 15, topPairs: Int = 20) -> String {
        var out = [ExactReport.ldpNotice]
        if publishedLDP.isEmpty {
            out.append("")
            out.append("No group of LDP payloads with at least \(Format.plural(minInstances, "instance")).")
        }
        out += ldpTable(topPlugins: topPlugins, topPairs: topPairs)
        return out.joined(separator: "\n") + "\n"
    }

    /// `schema/report.schema.json`, release "ldp".
    public func ldpReleaseJSON() -> String {
        var out = ["{"] + Format.reportHeader(release: "ldp")
        out.append("  \"guarantee\": \(Format.json(ExactReport.ldpNotice)),")
        out.append("  \"min_instances\": \(minInstances),")
        out.append("  \"ldp\": [")
        out += ldpJSON()
        out.append("  ],")
        out.append("  \"suppressed_groups\": \(suppressed.ldpGroups)")
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    /// The exact view's CSV rows of LDP groups only (its columns): the header, a `notice` row
    /// with what holds for them (the text in `name`), then the `ldp_*` rows.
    public func ldpReleaseCSV() -> String {
        let rows = csv(with: nil, notice: ExactReport.ldpNotice).split(separator: "\n", omittingEmptySubsequences: true)
        let kept = rows.enumerated().filter { $0.offset <= 1 || $0.element.hasPrefix("ldp_") }.map(\.element)
        return kept.joined(separator: "\n") + "\n"
    }

    /// The LDP groups' plugin estimates as bars, each with its 95% interval as a whisker.
    public func ldpReleaseSVG(topPlugins: Int = 24) -> String {
        svgDocument(title: "Plugin shares, estimated from LDP payloads", subtitle: ExactReport.ldpNotice, comment: nil) {
            ldpChart(top: $0, topPlugins: topPlugins)
        }
    }

    /// Bars with whiskers for each published group's estimates distinguishable from 0, from `top`.
    func ldpChart(top: Int, topPlugins: Int) -> (body: [String], height: Int) {
        let labelWidth = 230, barMax = 420, rowHeight = 20, left = 20
        var body: [String] = []
        var y = top
        for group in publishedLDP {
            body.append("<text x=\"\(left)\" y=\"\(y)\" class=\"kind\">\(Format.xml("LDP payloads, plugin-level ε = \(Format.fixed(group.mechanism.epsilon, 3)): \(Format.plural(group.instances, "instance"))"))</text>")
            y += 8
            let distinguishable = group.plugins.filter { $0.estimate.distinguishableFromZero }
                .sorted { $0.estimate.unbiased > $1.estimate.unbiased }
            let shown = distinguishable.prefix(topPlugins)
            for p in shown {
                let e = p.estimate
                func x(_ v: Double) -> Int { left + labelWidth + Int((min(1, max(0, v)) * Double(barMax)).rounded()) }
                let length = max(1, x(e.share) - left - labelWidth)
                let mid = y + rowHeight / 2
                body.append("<text x=\"\(left + labelWidth - 8)\" y=\"\(y + 14)\" class=\"name\">\(Format.xml(p.plugin.description))</text>")
                body.append("<rect x=\"\(left + labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 6)\" class=\"bar\">"
                            + "<title>\(Format.xml(p.plugin.description)): estimated share, 95% interval</title></rect>")
                body.append("<path d=\"M\(x(e.low)) \(mid)H\(x(e.high))M\(x(e.low)) \(mid - 4)V\(mid + 4)M\(x(e.high)) \(mid - 4)V\(mid + 4)\" class=\"whisker\"/>")
                body.append("<text x=\"\(max(x(e.high), left + labelWidth + length) + 6)\" y=\"\(y + 14)\" class=\"value\">\(Format.xml(ExactReport.estimateText(e)))</text>")
                y += rowHeight
            }
            if shown.isEmpty {
                body.append("<text x=\"\(left)\" y=\"\(y + 14)\" class=\"value\">No estimate is distinguishable from 0.</text>")
                y += rowHeight
            } else if distinguishable.count > shown.count {
                body.append(Format.svgMore(distinguishable.count - shown.count, "plugins", x: left, y: y + 14,
                                           beyond: "distinguishable from 0"))
                y += rowHeight
            }
            y += 22
        }
        if body.isEmpty {
            body.append("<text x=\"\(left)\" y=\"\(y)\" class=\"value\">No group of LDP payloads with at least \(Format.plural(minInstances, "instance")).</text>")
            y += 22
        }
        return (body, y + 10)
    }

    /// A chart's document: the title, the subtitle wrapped at about 110 characters, then the
    /// body `chart` draws from the top it is given (below the subtitle's last line, however
    /// many lines it took) and the height it ends at.
    func svgDocument(title: String, subtitle: String, comment: String?, chart: (_ top: Int) -> (body: [String], height: Int)) -> String {
        let width = 780
        var lines: [String] = []
        var line = ""
        for word in subtitle.split(separator: " ") {
            if !line.isEmpty && line.count + word.count > 110 {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        let lastSubtitle = 46 + 16 * max(0, lines.count - 1)
        let (body, height) = chart(lastSubtitle + 40)
        var out: [String] = comment.map { ["<!-- \(Format.xml($0)) -->"] } ?? []
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
                   + "role=\"img\" aria-label=\"\(Format.xml(title))\">")
        out.append("<style>text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:12px;fill:#222}"
                   + ".title{font-size:16px;font-weight:600}.kind{font-size:13px;font-weight:600}"
                   + ".name{text-anchor:end}.value{fill:#555}.bar{fill:#3b6ea8}.whisker{stroke:#111;stroke-width:1.2;fill:none}</style>")
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>")
        out.append("<text x=\"20\" y=\"26\" class=\"title\">\(Format.xml(title))</text>")
        for (i, text) in lines.enumerated() {
            out.append("<text x=\"20\" y=\"\(46 + 16 * i)\" class=\"value\">\(Format.xml(text))</text>")
        }
        out += body
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}

extension Format {
    /// "1 instance", "2 instances".
    static func plural(_ n: Int, _ noun: String, _ plural: String? = nil) -> String {
        grouped(n) + " " + (n == 1 ? noun : plural ?? noun + "s")
    }
}
