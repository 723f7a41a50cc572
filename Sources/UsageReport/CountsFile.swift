import LocalPrivacy
import DifferentialPrivacy
import Primitives
import AnonymousSummary

extension Aggregates {
    /// The counts file (`schema/report-counts.schema.json`): exact, contribution-bounded counts
    /// over instances, made by `report --release exact --format counts` (or by SQL on a warehouse,
    /// or from a secure-aggregation collection), released later with noise by `report --counts`.
    /// It is exact: like the exact view, it is not for publication.
    public func countsJSON(index: CatalogIndex, bounds: ContributionBounds) -> String {
        var out: [String] = ["{"]
        out.append("  \"counts\": \"anonymous-summary\",")
        out.append("  \"version\": 1,")
        out.append("  \"notice\": \"NOT FOR PUBLICATION: exact counts; publish only what report --counts releases from them\",")
        out.append("  \"catalog\": \(Format.json(index.layout.fingerprint)),")
        out.append("  \"bounds\": {\"max_plugins\": \(bounds.maxPlugins), \"max_components\": \(bounds.maxComponents)},")
        out.append("  \"instances\": \(instances),")
        out.append("  \"conflicts\": \(conflicts),")
        out.append("  \"uptime\": {" + UptimeBucket.allCases.map { "\(Format.json($0.key)): \(uptime[$0.rawValue])" }.joined(separator: ", ") + "},")
        let used = (0..<index.count).filter { pluginInstances[$0] > 0 || components[$0] > 0 }
        out.append("  \"plugins\": [")
        for (i, p) in used.enumerated() {
            let name = index.names[p]
            out.append("    {\"type\": \(Format.json(name.kind.rawValue)), \"name\": \(Format.json(name.name)), "
                       + "\"instances\": \(pluginInstances[p]), \"components\": \(components[p])}" + (i + 1 < used.count ? "," : ""))
        }
        out.append("  ],")
        let kinds = CatalogIndex.kinds.indices.filter { unlisted[$0] > 0 || malformed[$0] > 0 }
        out.append("  \"kinds\": [")
        for (i, k) in kinds.enumerated() {
            out.append("    {\"type\": \(Format.json(CatalogIndex.kinds[k].rawValue)), \"unlisted\": \(unlisted[k]), \"malformed\": \(malformed[k])}"
                       + (i + 1 < kinds.count ? "," : ""))
        }
        out.append("  ],")
        let keys = pairs.filter { $0.value > 0 }.keys.sorted()
        out.append("  \"pairs\": [")
        for (i, key) in keys.enumerated() {
            let a = index.names[Int(key >> 32)], b = index.names[Int(key & 0xFFFF_FFFF)]
            out.append("    {\"a\": {\"type\": \(Format.json(a.kind.rawValue)), \"name\": \(Format.json(a.name))}, "
                       + "\"b\": {\"type\": \(Format.json(b.kind.rawValue)), \"name\": \(Format.json(b.name))}, "
                       + "\"instances\": \(pairs[key] ?? 0)}" + (i + 1 < keys.count ? "," : ""))
        }
        out.append("  ]")
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    /// Sets a pair's count (for readers of counts files): `a` and `b` plugin numbers, a ≠ b.
    public mutating func setPair(_ a: Int, _ b: Int, _ n: Int) {
        pairs[Aggregates.pairKey(a, b)] = n
    }
}
