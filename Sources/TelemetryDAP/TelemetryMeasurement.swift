import AnonymousSummary
import DAP
import VDAF

/// What a host measures for secret-shared aggregation: one Prio3SumVec vector of 0s and 1s (bits
/// 1 in DAP-09, max_measurement 1 in DAP-18), a vector every deployed aggregator can take, laid
/// out by `DAPTelemetryLayout`:
///
/// 1. **Presence**: the catalogue's plugin layout (one entry per plugin used, one per kind with
///    unlisted components: 342 for the Benthos catalogue), at most `presenceMaxWeight` set. 15
///    holds every config of the shared corpus (the largest sets 15, the 99th percentile 12). A
///    config over it keeps a random 15 − k of its plugins (k the unlisted entries it then has; the
///    choice is made once per process) and reports the others as unlisted of their kind.
/// 2. **Pairs**: one entry per pair of the `pairPlugins` (the 30 plugins most used in the corpus,
///    and `output/aws_s3`, the seed's question: 465 pairs), set for the pairs among at most
///    `pairsMaxPlugins` of them that an instance uses (a random 7 when it uses more), so at most
///    21. A pair of rare plugins in such a sum would single out the few instances that have it.
/// 3. **Uptime**: one entry per `UptimeBucket`, exactly one set.
///
/// SumVec proves each entry is 0 or 1, not how many are set: the weight bounds above are kept by
/// the client (docs/dap.md says what that costs: robustness against a lying client, not privacy).
public enum TelemetryMeasurement {
    public static let presenceMaxWeight: UInt64 = 15
    public static let pairsMaxPlugins = 7
    public static var pairsMaxWeight: UInt64 { UInt64(pairsMaxPlugins * (pairsMaxPlugins - 1) / 2) }
    /// The chunk length with the shortest proof for the 812 entries of the Benthos layout
    /// (about the square root of the length); a task may name another.
    public static let defaultChunkLength = 28

    public static let pairPlugins: [(ComponentKind, StaticString)] = [
        (.processor, "mapping"), (.processor, "bloblang"), (.output, "stdout"), (.input, "generate"), (.output, "broker"),
        (.output, "mqtt"), (.metrics, "prometheus"), (.output, "switch"), (.processor, "log"), (.processor, "catch"),
        (.input, "kafka"), (.processor, "branch"), (.processor, "http"), (.processor, "try"), (.processor, "switch"),
        (.output, "kafka_franz"), (.processor, "archive"), (.output, "redpanda"), (.input, "kafka_franz"), (.output, "kafka"),
        (.input, "http_server"), (.processor, "mutation"), (.output, "drop"), (.processor, "unarchive"), (.output, "file"),
        (.processor, "sleep"), (.output, "sql_raw"), (.output, "http_client"), (.input, "stdin"), (.input, "postgres_cdc"),
        (.output, "aws_s3"),
    ]

    public static var pairCount: Int { pairPlugins.count * (pairPlugins.count - 1) / 2 }

    /// The Prio3SumVec instance of the telemetry for `profile`'s VDAF draft (entries 0 or 1): draft
    /// 08 with bits 1 for DAP-09, draft 20 (wire-identical to 18) with max_measurement 1 for DAP-18.
    public static func vdaf(_ profile: DAPProfile, length: Int, chunkLength: Int) throws(Prio3Error) -> TelemetryVDAF {
        switch profile.draft {
        case .dap09: return .draft08(try Prio3Variants.Draft08.sumVec(length: length, bits: 1, chunkLength: chunkLength))
        case .dap18: return .draft20(try Prio3Variants.sumVec(length: length, maxMeasurement: 1, chunkLength: chunkLength))
        }
    }

    /// The presence bits of `usage`, at most `presenceMaxWeight` set, excess plugins moved to
    /// their kind's unlisted bit (which plugins stay: uniformly at random, from `g`). `moved` says
    /// how many plugins were reported as unlisted.
    public static func presence<G: RandomNumberGenerator>(_ usage: ComponentUsage, layout: PluginLayout, using g: inout G)
        -> (bits: [Bool], moved: Int)
    {
        var bits = layout.bits(of: usage)
        var moved = 0
        while bits.filter({ $0 }).count > Int(presenceMaxWeight) {
            let set = (0..<layout.plugins.count).filter { bits[$0] }
            guard !set.isEmpty else { break }
            let drop = set[Int(g.next(upperBound: UInt64(set.count)))]
            bits[drop] = false
            if let k = layout.kinds.firstIndex(of: layout.plugins[drop].kind) { bits[layout.plugins.count + k] = true }
            moved += 1
        }
        return (bits, moved)
    }

    /// The pair bits of `usage`: pairs (in the order (0,1), (0,2), … of `pairPlugins`) among at
    /// most `pairsMaxPlugins` of the listed plugins it uses (a uniformly random subset from `g`).
    public static func pairs<G: RandomNumberGenerator>(_ usage: ComponentUsage, using g: inout G) -> [Bool] {
        let used = Set(usage.counts.keys.map { "\($0.kind.rawValue)/\($0.name)" })
        var present = pairPlugins.indices.filter { used.contains("\(pairPlugins[$0].0.rawValue)/\(pairPlugins[$0].1)") }
        while present.count > pairsMaxPlugins { present.remove(at: Int(g.next(upperBound: UInt64(present.count)))) }
        var bits = [Bool](repeating: false, count: pairCount)
        let n = pairPlugins.count
        for x in 0..<present.count {
            for y in (x + 1)..<max(x + 1, present.count) {
                let a = present[x], b = present[y]
                bits[a * n - a * (a + 1) / 2 + (b - a - 1)] = true
            }
        }
        return bits
    }

    /// The vector of `usage` at `uptimeSeconds` for `layout`: presence, pairs and the uptime
    /// bucket, each within its weight bound (the choices of what to leave out from `g`).
    public static func measurement<G: RandomNumberGenerator>(_ usage: ComponentUsage, uptimeSeconds: UInt64, layout: DAPTelemetryLayout,
                                                            using g: inout G) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: layout.length)
        let (presence, _) = presence(usage, layout: layout.plugins, using: &g)
        for (i, bit) in presence.enumerated() where bit { out[i] = 1 }
        for (i, bit) in pairs(usage, using: &g).enumerated() where bit { out[layout.pairsStart + i] = 1 }
        out[layout.uptimeStart + UptimeBucket(seconds: uptimeSeconds).rawValue] = 1
        return out
    }
}

/// The telemetry's Prio3SumVec in the VDAF draft of its task's protocol.
public enum TelemetryVDAF: Sendable {
    case draft08(Prio3<Draft08SumVecCircuit<Field128>>)
    case draft20(Prio3<SumVecCircuit<Field128>>)
}

/// The uptime a report says, in buckets (its hour-rounded uptime, as the exact payload has it).
public enum UptimeBucket: Int, CaseIterable, Sendable {
    case underAnHour, underADay, underAWeek, underThirtyDays, thirtyDaysOrMore

    public init(seconds: UInt64) {
        switch seconds {
        case ..<3_600: self = .underAnHour
        case ..<86_400: self = .underADay
        case ..<604_800: self = .underAWeek
        case ..<2_592_000: self = .underThirtyDays
        default: self = .thirtyDaysOrMore
        }
    }

    public var name: String { ["<1h", "<1d", "<7d", "<30d", ">=30d"][rawValue] }
}

/// Index → meaning of the telemetry's SumVec vector: the catalogue's plugin layout, then the
/// pairs of `TelemetryMeasurement.pairPlugins`, then the uptime buckets.
public struct DAPTelemetryLayout: Sendable {
    public let plugins: PluginLayout
    public var pairsStart: Int { plugins.width }
    public var uptimeStart: Int { plugins.width + TelemetryMeasurement.pairCount }
    public var length: Int { uptimeStart + UptimeBucket.allCases.count }

    public init(catalog: ComponentCatalog = .benthos) { plugins = catalog.pluginLayout }

    /// The name of entry `i`: `input/kafka`, `unlisted/processor`, `pair/input/kafka+output/aws_s3`, `uptime/<1d`.
    public func name(_ i: Int) -> String {
        if i < plugins.plugins.count { return plugins.plugins[i].description }
        if i < pairsStart { return "unlisted/" + plugins.kinds[i - plugins.plugins.count].rawValue }
        if i < uptimeStart {
            let (a, b) = Self.pair(i - pairsStart)
            let p = TelemetryMeasurement.pairPlugins
            return "pair/\(p[a].0.rawValue)/\(p[a].1)+\(p[b].0.rawValue)/\(p[b].1)"
        }
        return "uptime/" + UptimeBucket.allCases[i - uptimeStart].name
    }

    /// Pair number `k` as (a, b), a < b, in the order (0,1), (0,2), … of the pair plugins.
    public static func pair(_ k: Int) -> (Int, Int) {
        let n = TelemetryMeasurement.pairPlugins.count
        var a = 0, k = k
        while k >= n - 1 - a { k -= n - 1 - a; a += 1 }
        return (a, a + 1 + k)
    }

    /// `{"length": N, "entries": ["input/kafka", …]}`: what `schema --dap-layout` prints.
    public func json() -> String {
        let entries = (0..<length).map { "\"" + name($0) + "\"" }.joined(separator: ",")
        return "{\"length\":\(length),\"entries\":[\(entries)]}"
    }
}
