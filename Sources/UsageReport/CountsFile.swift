import DifferentialPrivacy
import AnonymousSummary

/// The counts file (`schema/report-counts.schema.json`): exact, contribution-bounded counts over
/// instances, with the bounds they were made under, made by `report --release exact --format
/// counts` (or by SQL on a warehouse, or by `dap-counts` from a DAP collection), released later
/// with noise by `report --counts`. It is exact: like the exact view, it is not for publication.
///
/// Reading one is trusting it: its counts become `BoundedCounts(attestedSums:)`, whose bound is
/// the file's word (`attestation` says so), and its release is calibrated to the bounds it records.
public struct CountsFile: Sendable {
    public struct ReadError: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public let index: CatalogIndex
    /// The bounds the counts were made under: the release's sensitivities are computed from them.
    public let bounds: ContributionBounds
    public let counts: BoundedCounts

    /// The largest count read: 2^53, what a JSON number holds exactly.
    static let maxCount = 1 << 53

    /// Counts bounded here (`CollectedInstances.boundedCounts`), to be written.
    public init(counts: BoundedCounts, index: CatalogIndex, bounds: ContributionBounds) {
        self.index = index
        self.bounds = bounds
        self.counts = counts
    }

    /// The file's text.
    public var json: String {
        let sums = counts.sums
        func group(_ g: FigureGroup) -> [Int] { sums[g.position] }
        let plugins = group(.plugins), components = group(.components), kinds = group(.kinds)
        let kindCount = CatalogIndex.kinds.count
        var out: [String] = ["{"]
        out.append("  \"counts\": \"anonymous-summary\",")
        out.append("  \"version\": 1,")
        out.append("  \"notice\": \"NOT FOR PUBLICATION: exact counts; publish only what report --counts releases from them\",")
        out.append("  \"catalog\": \(Format.json(index.layout.fingerprint)),")
        out.append("  \"bounds\": {\"max_plugins\": \(bounds.maxPlugins), \"max_components\": \(bounds.maxComponents)},")
        out.append("  \"instances\": \(group(.instances)[0]),")
        out.append("  \"conflicts\": \(group(.conflicts)[0]),")
        out.append("  \"uptime\": {" + UptimeBucket.allCases.map { "\(Format.json($0.key)): \(group(.uptime)[$0.rawValue])" }.joined(separator: ", ") + "},")
        let used = (0..<index.count).filter { plugins[$0] > 0 || components[$0] > 0 }
        out.append("  \"plugins\": [")
        for (i, p) in used.enumerated() {
            let name = index.names[p]
            out.append("    {\"type\": \(Format.json(name.kind.rawValue)), \"name\": \(Format.json(name.name)), "
                       + "\"instances\": \(plugins[p]), \"components\": \(components[p])}" + (i + 1 < used.count ? "," : ""))
        }
        out.append("  ],")
        let flagged = (0..<kindCount).filter { kinds[$0] > 0 || kinds[kindCount + $0] > 0 }
        out.append("  \"kinds\": [")
        for (i, k) in flagged.enumerated() {
            out.append("    {\"type\": \(Format.json(CatalogIndex.kinds[k].rawValue)), \"unlisted\": \(kinds[k]), \"malformed\": \(kinds[kindCount + k])}"
                       + (i + 1 < flagged.count ? "," : ""))
        }
        out.append("  ],")
        var pairs: [String] = []
        var i = 0
        let pairSums = group(.pairs)
        for a in 0..<index.count {
            for b in (a + 1)..<max(a + 1, index.count) {
                defer { i += 1 }
                guard pairSums[i] > 0 else { continue }
                let x = index.names[a], y = index.names[b]
                pairs.append("    {\"a\": {\"type\": \(Format.json(x.kind.rawValue)), \"name\": \(Format.json(x.name))}, "
                             + "\"b\": {\"type\": \(Format.json(y.kind.rawValue)), \"name\": \(Format.json(y.name))}, "
                             + "\"instances\": \(pairSums[i])}")
            }
        }
        out.append("  \"pairs\": [")
        out.append(contentsOf: pairs.enumerated().map { $0.element + ($0.offset + 1 < pairs.count ? "," : "") })
        out.append("  ]")
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    /// A counts file read strictly: the shape of `schema/report-counts.schema.json` and nothing
    /// else, made with `index`'s catalogue.
    public init(reading bytes: [UInt8], index: CatalogIndex) throws(ReadError) {
        let parsed: JSONValue
        do {
            parsed = try JSONValue.parse(bytes)
        } catch {
            throw ReadError(message: "not JSON (\(error.what) at byte \(error.offset))")
        }
        guard case .object(let root) = parsed else { throw ReadError(message: "not a JSON object") }
        let known: Set<String> = ["counts", "version", "notice", "catalog", "bounds", "instances", "conflicts", "uptime", "plugins", "kinds", "pairs"]
        if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
            throw ReadError(message: "unknown key '\(unknown)'")
        }
        guard root["counts"] == .string("anonymous-summary") else { throw ReadError(message: "not a counts file (\"counts\": \"anonymous-summary\" is missing)") }
        guard try Self.integer(root["version"], "version") == 1 else { throw ReadError(message: "version is not 1 (this tool reads version 1)") }
        guard root["catalog"] == .string(index.layout.fingerprint) else {
            throw ReadError(message: "made with another catalogue (its fingerprint is not \(index.layout.fingerprint))")
        }
        guard case .object(let b) = root["bounds"], Set(b.keys) == ["max_plugins", "max_components"] else {
            throw ReadError(message: "bounds must be {\"max_plugins\", \"max_components\"}")
        }
        let c = try Self.integer(b["max_plugins"], "bounds.max_plugins"), m = try Self.integer(b["max_components"], "bounds.max_components")
        guard c >= 2, c <= 64, m >= 1, m <= 1_000 else { throw ReadError(message: "bounds out of range (max_plugins 2–64, max_components 1–1000)") }
        let bounds = ContributionBounds(maxPlugins: c, maxComponents: m)
        let groups = FigureGroup.countGroups(bounds, index: index)
        var sums = groups.map { [Int](repeating: 0, count: $0.coordinates) }
        func set(_ group: FigureGroup, _ coordinate: Int, _ value: Int) { sums[group.position][coordinate] = value }
        set(.instances, 0, try Self.integer(root["instances"], "instances"))
        set(.conflicts, 0, try Self.integer(root["conflicts"], "conflicts"))
        guard case .object(let uptime) = root["uptime"], Set(uptime.keys) == Set(UptimeBucket.allCases.map(\.key)) else {
            throw ReadError(message: "uptime must have exactly the keys \(UptimeBucket.allCases.map(\.key).joined(separator: ", "))")
        }
        for bucket in UptimeBucket.allCases { set(.uptime, bucket.rawValue, try Self.integer(uptime[bucket.key], "uptime.\(bucket.key)")) }
        func plugin(_ value: JSONValue?, _ at: String) throws(ReadError) -> Int {
            guard case .object(let o) = value, Set(o.keys) == ["type", "name"], case .string(let t) = o["type"], case .string(let n) = o["name"],
                  let kind = ComponentKind(rawValue: t), let name = index.catalog.plugin(named: n, kind: kind), let number = index.number(of: name) else {
                throw ReadError(message: "\(at): not {\"type\", \"name\"} of a catalogue plugin")
            }
            return number
        }
        var seen = Set<Int>()
        for (i, entry) in try Self.array(root["plugins"], "plugins").enumerated() {
            guard case .object(let o) = entry, Set(o.keys) == ["type", "name", "instances", "components"] else {
                throw ReadError(message: "plugins[\(i)]: must have exactly type, name, instances, components")
            }
            let p = try plugin(.object(["type": o["type"] ?? .null, "name": o["name"] ?? .null]), "plugins[\(i)]")
            guard seen.insert(p).inserted else { throw ReadError(message: "plugins[\(i)]: \(index.names[p]) appears twice") }
            set(.plugins, p, try Self.integer(o["instances"], "plugins[\(i)].instances"))
            set(.components, p, try Self.integer(o["components"], "plugins[\(i)].components"))
        }
        var seenKinds = Set<Int>()
        let kindCount = CatalogIndex.kinds.count
        for (i, entry) in try Self.array(root["kinds"], "kinds").enumerated() {
            guard case .object(let o) = entry, Set(o.keys) == ["type", "unlisted", "malformed"], case .string(let t) = o["type"],
                  let kind = ComponentKind(rawValue: t), let k = CatalogIndex.kinds.firstIndex(of: kind), seenKinds.insert(k).inserted else {
                throw ReadError(message: "kinds[\(i)]: must be {type, unlisted, malformed} of a kind, once each")
            }
            set(.kinds, k, try Self.integer(o["unlisted"], "kinds[\(i)].unlisted"))
            set(.kinds, kindCount + k, try Self.integer(o["malformed"], "kinds[\(i)].malformed"))
        }
        var seenPairs = Set<Int>()
        for (i, entry) in try Self.array(root["pairs"], "pairs").enumerated() {
            guard case .object(let o) = entry, Set(o.keys) == ["a", "b", "instances"] else {
                throw ReadError(message: "pairs[\(i)]: must have exactly a, b, instances")
            }
            let a = try plugin(o["a"], "pairs[\(i)].a"), b = try plugin(o["b"], "pairs[\(i)].b")
            guard a != b else { throw ReadError(message: "pairs[\(i)]: a plugin paired with itself") }
            let position = index.pairIndex(a, b)
            guard seenPairs.insert(position).inserted else { throw ReadError(message: "pairs[\(i)]: the pair appears twice") }
            set(.pairs, position, try Self.integer(o["instances"], "pairs[\(i)].instances"))
        }
        do {
            counts = try BoundedCounts(attestedSums: sums, groups: groups, attestation: "a counts file: each instance bounded to "
                                       + "\(c) plugins and \(m) components of a plugin, as the file states")
        } catch {
            throw ReadError(message: "\(error)")
        }
        self.index = index
        self.bounds = bounds
    }

    /// A DAP collection's aggregate result, `{"report_count": N, "aggregate_result": [...]}`: the
    /// number of reports in the batch and the unsharded Prio3MultihotCountVec sum of the presence
    /// measurement in `index`'s layout (plugins in catalogue order, then the kinds' unlisted
    /// bits). Each report sets at most `maxWeight` bits, which the VDAF's validity proof checks
    /// (TelemetryMeasurement.presenceMaxWeight): that is the bound the counts are made under.
    /// A DAP collection of the telemetry's measurement: `reports` reports whose summed entries
    /// say, per plugin of the catalogue's layout (then per kind, unlisted), how many reports use
    /// it; per pair of plugins, how many use both; per uptime bucket, how many reports fall in it.
    /// Bounded on the client's word (the aggregators' proof checks each entry is 0 or 1, not how
    /// many are set; `attestation` says so in the file): each report sets at most
    /// `bounds.maxPlugins` plugin entries and at most `bounds.maxPairs` pairs, one bucket.
    public init(dapReports reports: Int, presence: [Int], pairs: [(PluginName, PluginName, Int)], uptime: [Int],
                index: CatalogIndex, bounds: ContributionBounds, attestation: String) throws(ReadError) {
        let layout = index.layout
        guard presence.count == layout.width else { throw ReadError(message: "the presence entries must be \(layout.width) (the catalogue's layout)") }
        guard uptime.count == UptimeBucket.allCases.count else { throw ReadError(message: "the uptime entries must be \(UptimeBucket.allCases.count)") }
        for value in presence + uptime + pairs.map(\.2) where value < 0 || value > reports {
            throw ReadError(message: "an entry of \(value) is outside 0...\(reports) (the number of reports)")
        }
        let groups = FigureGroup.countGroups(bounds, index: index)
        var sums = groups.map { [Int](repeating: 0, count: $0.coordinates) }
        sums[FigureGroup.instances.position][0] = reports
        for (p, name) in layout.plugins.enumerated() {
            if let number = index.number(of: name) { sums[FigureGroup.plugins.position][number] = presence[p] }
        }
        for (k, kind) in layout.kinds.enumerated() {
            if let position = CatalogIndex.kinds.firstIndex(of: kind) { sums[FigureGroup.kinds.position][position] = presence[layout.plugins.count + k] }
        }
        for (a, b, count) in pairs {
            guard let x = index.number(of: a), let y = index.number(of: b), x != y else { throw ReadError(message: "the pair \(a)+\(b) is not two catalogue plugins") }
            sums[FigureGroup.pairs.position][index.pairIndex(min(x, y), max(x, y))] = count
        }
        for (k, count) in uptime.enumerated() { sums[FigureGroup.uptime.position][k] = count }
        do {
            counts = try BoundedCounts(attestedSums: sums, groups: groups, attestation: attestation)
        } catch {
            throw ReadError(message: "\(error)")
        }
        self.index = index
        self.bounds = bounds
    }

    static func integer(_ value: JSONValue?, _ at: String) throws(ReadError) -> Int {
        guard case .number(let d) = value, d.rounded() == d, d >= 0, d <= Double(maxCount) else {
            throw ReadError(message: "\(at): needs a whole number from 0 to 2^53")
        }
        return Int(d)
    }

    static func array(_ value: JSONValue?, _ at: String) throws(ReadError) -> [JSONValue] {
        guard case .array(let a) = value else { throw ReadError(message: "\(at): needs an array") }
        return a
    }
}

extension Aggregates {
    /// These counts taken as bounded under `bounds` on the caller's word: for tests that release
    /// chosen figures. `package`, so no client can hand a release unbounded counts; a release
    /// takes `CollectedInstances.boundedCounts` or a `CountsFile`.
    package func attested(index: CatalogIndex, bounds: ContributionBounds) throws(BoundError) -> BoundedCounts {
        var pairSums = [Int](repeating: 0, count: index.pairCount)
        for (key, n) in pairs { pairSums[index.pairIndex(Int(key >> 32), Int(key & 0xFFFF_FFFF))] = n }
        return try BoundedCounts(attestedSums: [[instances], uptime, [conflicts], pluginInstances, components, unlisted + malformed, pairSums],
                                 groups: FigureGroup.countGroups(bounds, index: index), attestation: "a test's chosen counts")
    }
}
