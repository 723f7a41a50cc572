import AnonymousSummary
import VDAF

/// What a host measures for secret-shared aggregation: two Prio3MultihotCountVec measurements.
///
/// 1. **Presence**: the catalogue's LDP layout (one bit per plugin used, one per kind with
///    unlisted components: 342 bits for the Benthos catalogue), at most `presenceMaxWeight` bits
///    set. 15 holds every config of the shared corpus (the largest sets 15 bits, the 99th
///    percentile 12). A config over it keeps a uniformly random 15 − k of its plugins (k the
///    unlisted bits it then has) and reports the others as unlisted of their kind: counted, never
///    dropped in silence, never a rejected report.
/// 2. **Pairs**: one bit per pair of the `pairPlugins` (the 30 plugins most used in the corpus,
///    and `output/aws_s3`, the seed's question: 465 pairs), for the pairs among at most
///    `pairsMaxPlugins` of them that an instance uses (a uniformly random 7 when it uses more; 7
///    of the 258 corpus configs do, the most 9), so at most 21 bits. The question the report
///    exists for ("do these two go together?") is about common plugins; a pair of rare plugins
///    in such a sum would single out the few instances that have it.
public enum TelemetryMeasurement {
    public static let presenceMaxWeight: UInt64 = 15
    /// The chunk length with the shortest proof for 342 + 4 elements (79 field elements).
    public static let presenceChunkLength = 24
    public static let pairsMaxPlugins = 7
    public static var pairsMaxWeight: UInt64 { UInt64(pairsMaxPlugins * (pairsMaxPlugins - 1) / 2) }
    /// The chunk length with the shortest proof for 465 + 5 elements (95 field elements).
    public static let pairsChunkLength = 16

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

    /// The Prio3 instance of the presence measurement.
    public static func presenceVDAF(layout: PluginLayout) throws(Prio3Error) -> Prio3<MultihotCountVecCircuit<Field128>> {
        try Prio3Variants.multihotCountVec(length: layout.width, maxWeight: presenceMaxWeight, chunkLength: presenceChunkLength)
    }

    /// The Prio3 instance of the pairs measurement.
    public static func pairsVDAF() throws(Prio3Error) -> Prio3<MultihotCountVecCircuit<Field128>> {
        try Prio3Variants.multihotCountVec(length: pairCount, maxWeight: pairsMaxWeight, chunkLength: pairsChunkLength)
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
}
