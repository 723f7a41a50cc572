import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

extension ExactReport {
    /// A self-contained SVG chart: for each kind, a bar per published plugin (the top
    /// `topPlugins`) with its share of instances. Nothing under the threshold is drawn.
    public func svg(topPlugins: Int = 12) -> String {
        let width = 760, labelWidth = 210, barMax = 440, rowHeight = 20, left = 20
        var body: [String] = []
        var y = 70
        for kind in CatalogIndex.kinds {
            let published = plugins.filter { $0.plugin.kind == kind }
            guard !published.isEmpty else { continue }
            body.append("<text x=\"\(left)\" y=\"\(y)\" class=\"kind\">\(Format.xml(kind.rawValue))</text>")
            y += 8
            for p in published.prefix(topPlugins) {
                let length = max(1, Int((min(1, max(0, p.share)) * Double(barMax)).rounded()))
                body.append("<text x=\"\(left + labelWidth - 8)\" y=\"\(y + 14)\" class=\"name\">\(Format.xml(p.plugin.name))</text>")
                body.append("<rect x=\"\(left + labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 6)\" class=\"bar\">"
                            + "<title>\(Format.xml(p.plugin.description)): \(p.instances) of \(Format.plural(instances, "instance"))</title></rect>")
                body.append("<text x=\"\(left + labelWidth + length + 6)\" y=\"\(y + 14)\" class=\"value\">"
                            + "\(Format.percent(p.share)) (\(Format.grouped(p.instances)))</text>")
                y += rowHeight
            }
            if published.count > topPlugins {
                body.append(Format.svgMore(published.count - topPlugins, "\(kind.rawValue) plugins", x: left, y: y + 14,
                                           beyond: "used by \(Format.plural(minInstances, "instance")) or more"))
                y += rowHeight
            }
            y += 22
        }
        if body.isEmpty && !publishedLDP.isEmpty {
            // An LDP-only collection: chart its estimates, with their intervals.
            return svgDocument(title: "Plugin shares, estimated from LDP payloads (exact view: NOT FOR PUBLICATION)",
                               subtitle: "No exact payload. " + ExactReport.ldpNotice, comment: ExactReport.notice) {
                ldpChart(top: $0, topPlugins: 24)
            }
        }
        if body.isEmpty {
            body.append("<text x=\"\(left)\" y=\"\(y)\" class=\"value\">No plugin is used by \(Format.plural(minInstances, "instance")) or more.</text>")
            y += 22
        }
        let ldp = self.ldp.filter(\.published)
        if !ldp.isEmpty {
            body.append("<text x=\"\(left)\" y=\"\(y)\" class=\"value\">\(Format.plural(ldp.count, "group")) of LDP payloads reported apart "
                        + "(their shares are estimates: see the table or the JSON).</text>")
            y += 22
        }
        let height = y + 10
        var out: [String] = ["<!-- \(Format.xml(ExactReport.notice)) -->"]
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
                   + "role=\"img\" aria-label=\"Plugin shares per kind\">")
        out.append("<style>text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:12px;fill:#222}"
                   + ".title{font-size:16px;font-weight:600}.kind{font-size:13px;font-weight:600}"
                   + ".name{text-anchor:end}.value{fill:#555}.bar{fill:#3b6ea8}</style>")
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>")
        out.append("<text x=\"\(left)\" y=\"26\" class=\"title\">Plugin shares per kind: \(Format.plural(instances, "instance")) (exact: NOT FOR PUBLICATION)</text>")
        out.append("<text x=\"\(left)\" y=\"46\" class=\"value\">Share of instances using each plugin; plugins used by fewer than "
                   + "\(Format.plural(minInstances, "instance")) are not drawn (\(suppressed.plugins) withheld).</text>")
        out += body
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
