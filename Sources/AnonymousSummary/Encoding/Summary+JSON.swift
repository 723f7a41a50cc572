import Primitives

extension Summary {
    /// The payload as JSON, wire-compatible with Redpanda Connect's telemetry:
    ///
    ///     {"id":"…","uptime":N,"components":[{"type":"input","name":"generate"},…]}
    ///
    /// plus `"unlisted":{"input":2}` and `"malformed":{…}` only when non-empty. Components are
    /// sorted by kind then name, duplicates kept; kinds in the counts are in the same order.
    /// So the bytes depend only on which plugins are used and how often, never on the order,
    /// formatting, labels or values of the config. Every string written is a catalogue
    /// literal or a kind's name.
    ///
    /// The payload is bounded: at most `maxEntriesPerPlugin` entries of one plugin (the report's
    /// component bound ignores more), and never more than `maxPayloadBytes`. When the distinct
    /// plugins still do not fit, they are taken in an order drawn for this process (SipHash-2-4
    /// of each plugin's kind and name under `processSelectionKey`, a secret 128-bit key from the
    /// system CSPRNG that is never sent), each kept if it still fits; the components of those
    /// left out are counted in `unlisted` under their kind, not named in this payload. The same
    /// process makes the same choice at every send; another process another one, so the
    /// payloads of many restarts together can name every plugin. What fits depends on the sizes
    /// of the entries, and the padding shows how much room was left: a plugin left out needed
    /// more than that room (a bound on its name's length, which only configs over 4,096 bytes,
    /// none in the corpus, can show).
    public func jsonBytes() -> [UInt8] { jsonBytes(selectionKey: Summary.processSelectionKey) }

    /// At most this many entries of one plugin in a payload: the report counts no more
    /// (`ContributionBounds.defaultMaxComponents`).
    public static let maxEntriesPerPlugin = 4

    /// No exact payload is longer: the largest size class.
    public static let maxPayloadBytes = 4_096

    /// This process's secret key for choosing the plugins a payload too large to name them all
    /// keeps: drawn once from the system CSPRNG, never sent.
    public static let processSelectionKey: (UInt64, UInt64) = {
        var g = SystemRandomNumberGenerator()
        return (g.next(), g.next())
    }()

    /// The payload, with the plugins kept (if they do not all fit) chosen under `selectionKey`.
    package func jsonBytes(selectionKey: (UInt64, UInt64)) -> [UInt8] {
        var counts = usage.counts.mapValues { min($0, Summary.maxEntriesPerPlugin) }
        var unlisted = usage.unlisted
        if widestLength(counts, unlisted, usage.malformed) > Summary.maxPayloadBytes {
            // Start from none named (every one counted in unlisted), then name each plugin in
            // the process's order if the payload still fits.
            let all = counts
            counts = [:]
            for (plugin, n) in all { unlisted[plugin.kind, default: 0] += n }
            let order = all.keys.map { plugin -> (UInt64, PluginName) in
                let text = Array(plugin.kind.staticName.description.utf8) + [0] + Array(plugin.text.description.utf8)
                return (SipHash24.hash(key: selectionKey.0, selectionKey.1, text), plugin)
            }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            for (_, plugin) in order {
                let n = all[plugin] ?? 0
                counts[plugin] = n
                unlisted[plugin.kind, default: 0] -= n
                if unlisted[plugin.kind] == 0 { unlisted[plugin.kind] = nil }
                if widestLength(counts, unlisted, usage.malformed) > Summary.maxPayloadBytes {
                    counts[plugin] = nil
                    unlisted[plugin.kind, default: 0] += n
                }
            }
        }
        return encode(counts: counts, unlisted: unlisted, malformed: usage.malformed, padded: true)
    }

    /// The length of the payload with the widest uptime, unpadded (its closing brace included).
    func widestLength(_ counts: [PluginName: Int], _ unlisted: [ComponentKind: Int], _ malformed: [ComponentKind: Int]) -> Int {
        encode(counts: counts, unlisted: unlisted, malformed: malformed, padded: false).count
            - String(uptimeSeconds).utf8.count + Summary.widestUptimeDigits
    }

    private func encode(counts: [PluginName: Int], unlisted: [ComponentKind: Int], malformed: [ComponentKind: Int], padded: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + counts.count * 40)
        out.append(contentsOf: #"{"id":""#.utf8)
        out.append(contentsOf: id.description.utf8)
        out.append(contentsOf: #"","uptime":"#.utf8)
        out.append(contentsOf: String(uptimeSeconds).utf8)
        out.append(contentsOf: #","components":["#.utf8)
        var first = true
        for plugin in counts.keys.sorted() {
            // One entry per component: the same bytes repeated `count` times.
            var entry: [UInt8] = Array(#"{"type":"#.utf8)
            appendLiteral(plugin.kind.staticName, to: &entry)
            entry.append(contentsOf: #","name":"#.utf8)
            appendLiteral(plugin.text, to: &entry)
            entry.append(UInt8(ascii: "}"))
            for _ in 0..<(counts[plugin] ?? 0) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out.append(contentsOf: entry)
            }
        }
        out.append(UInt8(ascii: "]"))
        appendCounts("unlisted", unlisted, to: &out)
        appendCounts("malformed", malformed, to: &out)
        if padded {
            // Padding: spaces (JSON white space) before the closing brace, up to the size class,
            // so that the length seen on the wire (TLS hides the bytes, not their number) says
            // only which class the config falls in. The class is chosen as if the uptime had its
            // widest form, so a process's payload keeps one length as its uptime grows.
            let widest = out.count - String(uptimeSeconds).utf8.count + Summary.widestUptimeDigits + 1
            let size = Summary.paddedSize(forLength: widest)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(0, size - out.count - 1)))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The lengths an exact payload is padded to: 256, 1,024 and 4,096 bytes (the largest: a
    /// payload never exceeds it, see `jsonBytes()`).
    public static let paddedSizes = [256, 1_024, 4_096]

    /// Uptime is at most 2^53 − 1 (the report's reader refuses more): 16 digits.
    package static let widestUptimeDigits = 16

    /// The padded length of a payload of `length` bytes (its closing brace included).
    public static func paddedSize(forLength length: Int) -> Int {
        for size in paddedSizes where length <= size { return size }
        return (length + 4_095) / 4_096 * 4_096
    }

    /// The payload as a `String` (the same bytes).
    public func jsonString() -> String { String(decoding: jsonBytes(), as: UTF8.self) }

    private func appendLiteral(_ s: StaticString, to out: inout [UInt8]) {
        // Catalogue names and kinds are plain ASCII: written as they are, between quotes.
        // Anything else (a host's own catalogue may hold any literal) goes through the escaper.
        let plain = s.withUTF8Buffer { $0.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C } }
        guard plain else { return JSONText.appendString(s.description, to: &out) }
        out.append(0x22)
        s.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(0x22)
    }

    private func appendCounts(_ field: StaticString, _ counts: [ComponentKind: Int], to out: inout [UInt8]) {
        let kinds = counts.keys.filter { (counts[$0] ?? 0) > 0 }.sorted()
        guard !kinds.isEmpty else { return }
        out.append(UInt8(ascii: ","))
        appendLiteral(field, to: &out)
        out.append(contentsOf: ":{".utf8)
        for (i, kind) in kinds.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendLiteral(kind.staticName, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: String(counts[kind] ?? 0).utf8)
        }
        out.append(UInt8(ascii: "}"))
    }
}
