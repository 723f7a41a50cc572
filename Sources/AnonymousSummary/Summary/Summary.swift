/// The payload: everything the telemetry ever says.
///
/// A random instance id, an uptime in seconds (whole hours), and the plugin usage, which holds only
/// allow-listed names and counts (see `ComponentUsage`, the privacy boundary). No field can
/// hold text from a config. Serialised only by `jsonBytes()`, in one fixed shape.
public struct Summary: Sendable, Equatable {
    /// The largest uptime a payload says: 2^53 − 1 seconds.
    public static let maxUptimeSeconds: UInt64 = (1 << 53) - 1

    public let id: InstanceID
    public let uptimeSeconds: UInt64
    public let usage: ComponentUsage

    public init(id: InstanceID, uptimeSeconds: UInt64, usage: ComponentUsage) {
        self.id = id
        // At most 2^53 − 1 (16 digits; the report's reader refuses more): the padding's room.
        self.uptimeSeconds = min(uptimeSeconds, Summary.maxUptimeSeconds)
        self.usage = usage
    }
}
