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
    public func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + usage.counts.count * 40)
        out.append(contentsOf: #"{"id":""#.utf8)
        out.append(contentsOf: id.description.utf8)
        out.append(contentsOf: #"","uptime":"#.utf8)
        out.append(contentsOf: String(uptimeSeconds).utf8)
        out.append(contentsOf: #","components":["#.utf8)
        var first = true
        for plugin in usage.counts.keys.sorted() {
            // One entry per component: the same bytes repeated `count` times.
            var entry: [UInt8] = Array(#"{"type":"#.utf8)
            appendLiteral(plugin.kind.staticName, to: &entry)
            entry.append(contentsOf: #","name":"#.utf8)
            appendLiteral(plugin.text, to: &entry)
            entry.append(UInt8(ascii: "}"))
            for _ in 0..<(usage.counts[plugin] ?? 0) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out.append(contentsOf: entry)
            }
        }
        out.append(UInt8(ascii: "]"))
        appendCounts("unlisted", usage.unlisted, to: &out)
        appendCounts("malformed", usage.malformed, to: &out)
        // Padding: spaces (JSON white space) before the closing brace, up to the size class, so
        // that the length seen on the wire (TLS hides the bytes, not their number) says only
        // which class the config falls in. The class is chosen as if the uptime had its widest
        // form, so a process's payload keeps one length as its uptime grows.
        let widest = out.count - String(uptimeSeconds).utf8.count + Summary.widestUptimeDigits + 1
        let size = Summary.paddedSize(forLength: widest)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(0, size - out.count - 1)))
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The lengths an exact payload is padded to: 256, 1,024 and 4,096 bytes, then whole
    /// multiples of 4,096 (no config of the shared corpus comes near 4,096: its largest payload
    /// is 1,122 bytes unpadded).
    public static let paddedSizes = [256, 1_024, 4_096]

    /// Uptime is at most 2^53 − 1 (the report's reader refuses more): 16 digits.
    static let widestUptimeDigits = 16

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
