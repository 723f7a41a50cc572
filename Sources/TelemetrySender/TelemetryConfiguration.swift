import AnonymousSummary
import Foundation

/// What a host decides about its telemetry. There is no built-in collection address: with no
/// `endpoint`, nothing is ever sent (as with Benthos, where only official builds can send).
public struct TelemetryConfiguration: Sendable {
    /// Where payloads are POSTed. nil: telemetry is off.
    public var endpoint: URL?
    /// Uptime before the first send, so short runs (tests, one-off jobs) send nothing.
    public var initialDelay: Duration
    /// Time between sends after the first.
    public var period: Duration
    /// Longest a request may take before it is abandoned.
    public var requestTimeout: Duration
    /// The `User-Agent` of every request, naming the host and its version (`myhost/1.2.3`).
    public var userAgent: String
    /// An environment variable users set to `off` (or `0`, `false`, `no`, `disabled`) to opt
    /// out, e.g. `MYHOST_TELEMETRY`. Checked after `--disable-telemetry`, before `DO_NOT_TRACK`.
    public var hostVariable: String?
    /// An environment variable that, set to anything but empty or `0`, makes the sender write
    /// each payload to standard error instead of sending it, at the moments it would send.
    public var debugVariable: String?
    /// What is reported: the exact plugin usage (the default), or an ε-locally-differentially-
    /// private randomization of it (`.ldp(epsilon:secret:)`). An ε out of range turns telemetry
    /// off (`TelemetryStatus` says so).
    public var privacy: PrivacyMode

    public init(endpoint: URL?, initialDelay: Duration = .seconds(300), period: Duration = .seconds(86_400),
                requestTimeout: Duration = .seconds(10), userAgent: String,
                hostVariable: String? = nil, debugVariable: String? = nil, privacy: PrivacyMode = .exact) {
        self.privacy = privacy
        self.endpoint = endpoint
        self.initialDelay = initialDelay
        self.period = period
        self.requestTimeout = requestTimeout
        self.userAgent = userAgent
        self.hostVariable = hostVariable
        self.debugVariable = debugVariable
    }
}
