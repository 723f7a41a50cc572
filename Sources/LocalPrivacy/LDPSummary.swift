import AnonymousSummary
import Primitives

/// The payload in LDP mode: everything the telemetry says when the host chose
/// `PrivacyMode.ldp`. A random id, an uptime, the mechanism and its ε, the catalogue's
/// fingerprint, and the reported bits, drawn once per process (see `OptimizedUnaryEncoding`).
///
///     {"id":"…","uptime":N,"mechanism":"oue","epsilon":1.0986122886681098,
///      "catalog":"<16 hex>","bits":"<hex, 4 bits a digit, first bit the high bit>"}
///
/// The bits are written as a fixed-width hex string rather than as names: the payload then has
/// the same length whatever was drawn, and spaces before the closing brace make up for the
/// uptime's digits, so its size tells an observer of the encrypted request nothing, and it is a quarter of a byte per bit. Like the
/// exact payload it holds no string from the config: the bits come from `PluginLayout.bits(of:)`,
/// which reads only `PluginName`s and kinds. `schema/ldp-payload.schema.json` is its shape.
public struct LDPSummary: Sendable, Equatable {
    public let id: InstanceID
    public let uptimeSeconds: UInt64
    public let mechanism: OptimizedUnaryEncoding
    public let fingerprint: String
    public let reported: [Bool]

    public init(id: InstanceID, uptimeSeconds: UInt64, mechanism: OptimizedUnaryEncoding, layout: PluginLayout, reported: [Bool]) {
        self.id = id
        self.uptimeSeconds = min(uptimeSeconds, Summary.maxUptimeSeconds)
        self.mechanism = mechanism
        self.fingerprint = layout.fingerprint
        self.reported = reported
    }

    /// The bits as hex: bit i is in digit i/4, with value 8 >> (i % 4); unused low bits of the
    /// last digit are 0.
    public static func hex(_ bits: [Bool]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bits.count + 3) / 4)
        var i = 0
        while i < bits.count {
            var digit = 0
            for k in 0..<4 where i + k < bits.count && bits[i + k] { digit |= 8 >> k }
            out.append(JSONText.hex[digit])
            i += 4
        }
        return String(decoding: out, as: UTF8.self)
    }

    public func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"id":""#.utf8)
        out.append(contentsOf: id.description.utf8)
        out.append(contentsOf: #"","uptime":"#.utf8)
        out.append(contentsOf: String(uptimeSeconds).utf8)
        out.append(contentsOf: #","mechanism":""#.utf8)
        out.append(contentsOf: OptimizedUnaryEncoding.mechanismName.utf8)
        out.append(contentsOf: #"","epsilon":"#.utf8)
        out.append(contentsOf: String(mechanism.epsilon).utf8)
        out.append(contentsOf: #","catalog":""#.utf8)
        out.append(contentsOf: fingerprint.utf8)
        out.append(contentsOf: #"","bits":""#.utf8)
        out.append(contentsOf: LDPSummary.hex(reported).utf8)
        out.append(UInt8(ascii: "\""))
        // Spaces before the closing brace as if the uptime had its widest form (16 digits): a
        // process's payloads have one length whatever the uptime.
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(0, Summary.widestUptimeDigits - String(uptimeSeconds).utf8.count)))
        out.append(UInt8(ascii: "}"))
        return out
    }

    public func jsonString() -> String { String(decoding: jsonBytes(), as: UTF8.self) }
}

/// Draws the LDP report of a usage once; every payload made from it repeats the same bits.
public struct LDPReport: Sendable, Equatable {
    public let mechanism: OptimizedUnaryEncoding
    public let layout: PluginLayout
    public let reported: [Bool]

    public static func == (a: LDPReport, b: LDPReport) -> Bool {
        a.mechanism == b.mechanism && a.layout.fingerprint == b.layout.fingerprint && a.reported == b.reported
    }

    public init<G: RandomNumberGenerator>(usage: ComponentUsage, mechanism: OptimizedUnaryEncoding, secret: LDPSecret?,
                                          catalog: ComponentCatalog = .benthos, using generator: inout G) {
        self.mechanism = mechanism
        layout = catalog.pluginLayout
        reported = mechanism.randomize(layout.bits(of: usage), layout: layout, secret: secret, using: &generator)
    }

    public init(usage: ComponentUsage, mechanism: OptimizedUnaryEncoding, secret: LDPSecret?, catalog: ComponentCatalog = .benthos) {
        var generator = SystemRandomNumberGenerator()
        self.init(usage: usage, mechanism: mechanism, secret: secret, catalog: catalog, using: &generator)
    }

    /// The payload at this uptime.
    public func summary(id: InstanceID, uptimeSeconds: UInt64) -> LDPSummary {
        LDPSummary(id: id, uptimeSeconds: uptimeSeconds, mechanism: mechanism, layout: layout, reported: reported)
    }
}
