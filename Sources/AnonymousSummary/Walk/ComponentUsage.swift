/// What the walk found: how many components of each allow-listed plugin, and how many per
/// kind were unlisted or malformed.
///
/// PRIVACY BOUNDARY. Everything before this type (the YAML tree, the walk) may hold strings
/// from the config; this type and everything after it (`Summary`, its encoder, the sender)
/// cannot: it holds only `PluginName`s (made by catalogue look-up, holding the catalogue's
/// literals), `ComponentKind`s and counts. There is no `String` field to put config text in.
/// Proven by PropertyTests (no canary, non-interference) and by the fuzz replay.
public struct ComponentUsage: Sendable, Equatable {
    public private(set) var counts: [PluginName: Int] = [:]
    public private(set) var unlisted: [ComponentKind: Int] = [:]
    public private(set) var malformed: [ComponentKind: Int] = [:]

    public init() {}

    mutating func count(_ plugin: PluginName) { counts[plugin, default: 0] += 1 }
    mutating func count(_ plugin: PluginName, times: Int) { counts[plugin, default: 0] += times }
    mutating func countUnlisted(_ kind: ComponentKind) { unlisted[kind, default: 0] += 1 }
    mutating func countMalformed(_ kind: ComponentKind) { malformed[kind, default: 0] += 1 }

    /// Adds another usage's counts (several configs make one summary).
    public mutating func merge(_ other: ComponentUsage) {
        for (k, v) in other.counts { counts[k, default: 0] += v }
        for (k, v) in other.unlisted { unlisted[k, default: 0] += v }
        for (k, v) in other.malformed { malformed[k, default: 0] += v }
    }

    /// No component at all: no plugin, nothing unlisted or malformed (a config of none of the
    /// kinds, or one the walk found nothing in).
    public var isEmpty: Bool { counts.isEmpty && unlisted.isEmpty && malformed.isEmpty }

    /// Every counted component, sorted by kind then name, duplicates kept.
    public var components: [PluginName] {
        counts.keys.sorted().flatMap { repeatElement($0, count: counts[$0] ?? 0) }
    }
}
