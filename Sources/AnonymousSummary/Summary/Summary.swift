/// The payload: everything the telemetry ever says.
///
/// A random instance id, an uptime in seconds (whole hours), and the plugin usage, which holds only
/// allow-listed names and counts (see `ComponentUsage`, the privacy boundary). No field can
/// hold text from a config. Serialised only by `jsonBytes()`, in one fixed shape.
public struct Summary: Sendable, Equatable {
    public let id: InstanceID
    public let uptimeSeconds: UInt64
    public let usage: ComponentUsage

    public init(id: InstanceID, uptimeSeconds: UInt64, usage: ComponentUsage) {
        self.id = id
        self.uptimeSeconds = uptimeSeconds
        self.usage = usage
    }
}
