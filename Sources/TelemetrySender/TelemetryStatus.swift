/// Whether telemetry is on, and what decided it, so a host can tell its users (and log it).
///
/// One function decides, with a fixed precedence: the `--disable-telemetry` flag, then the
/// host's own variable, then `DO_NOT_TRACK`, then the host's configuration (an LDP ε out of
/// range turns it off; then the debug variable that prints payloads instead of sending them, or
/// an endpoint).
public struct TelemetryStatus: Sendable, Equatable, CustomStringConvertible {
    public enum Source: Sendable, Equatable {
        /// `--disable-telemetry` was among the arguments.
        case flag
        /// The host's variable (named) was set to an off value.
        case hostVariable(String)
        /// `DO_NOT_TRACK` was set to something other than empty or `0`.
        case doNotTrack
        /// The host configured no endpoint.
        case noEndpoint
        /// The host configured an endpoint, and nothing opted out.
        case configured
        /// The debug variable (named) asks for payloads on standard error.
        case debugVariable(String)
        /// The host asked for LDP with an ε out of range (0 < ε <= 10): nothing is sent.
        case invalidPrivacy
        /// The endpoint is plain http to an address that is not loopback: nothing is sent.
        case insecureEndpoint
    }

    public enum Destination: Sendable, Equatable {
        case endpoint
        case standardError
    }

    /// True if the sender will run (send, or print in debug mode).
    public var isEnabled: Bool { destination != nil }
    /// Where payloads go when enabled; nil when off.
    public var destination: Destination?
    public var decidedBy: Source
    /// The host's opt-out variable, so that `description` names every way out (set by `decide`).
    public var hostVariable: String?
    /// Where a secret-shared mode's reports go (set by `decide`), so that `description` does not
    /// call it an endpoint.
    public var secretSharedDestination: String?

    /// A decision made elsewhere (a host's own settings page, say); most hosts use `decide`.
    public init(destination: Destination?, decidedBy: Source, hostVariable: String? = nil, secretSharedDestination: String? = nil) {
        self.destination = destination
        self.decidedBy = decidedBy
        self.hostVariable = hostVariable
        self.secretSharedDestination = secretSharedDestination
    }

    /// Two statuses are equal when they decide alike: where payloads go, and what decided. The
    /// names `description` uses are not compared.
    public static func == (a: TelemetryStatus, b: TelemetryStatus) -> Bool {
        a.destination == b.destination && a.decidedBy == b.decidedBy
    }

    /// Every way to opt out that `decide` honours for this host, as a user types it.
    public var optOuts: [String] {
        [TelemetryStatus.disableFlag] + (hostVariable.map { ["\($0)=off"] } ?? []) + ["DO_NOT_TRACK=1"]
    }

    public static let disableFlag = "--disable-telemetry"

    /// The decision for a process with these `arguments` and `environment`.
    public static func decide(arguments: [String], environment: [String: String],
                              configuration: TelemetryConfiguration) -> TelemetryStatus {
        var status = decision(arguments: arguments, environment: environment, configuration: configuration)
        status.hostVariable = configuration.hostVariable
        if case .secretShared(let mode) = configuration.mode { status.secretSharedDestination = mode.destination }
        return status
    }

    static func decision(arguments: [String], environment: [String: String],
                         configuration: TelemetryConfiguration) -> TelemetryStatus {
        if arguments.contains(disableFlag) { return TelemetryStatus(destination: nil, decidedBy: .flag) }
        if let name = configuration.hostVariable, let value = environment[name], isOffValue(value) {
            return TelemetryStatus(destination: nil, decidedBy: .hostVariable(name))
        }
        if let value = environment["DO_NOT_TRACK"], !value.isEmpty, value != "0" {
            return TelemetryStatus(destination: nil, decidedBy: .doNotTrack)
        }
        if case .ldp = configuration.mode, configuration.mode.mechanism == nil {
            return TelemetryStatus(destination: nil, decidedBy: .invalidPrivacy)
        }
        if let name = configuration.debugVariable, let value = environment[name], !value.isEmpty, value != "0" {
            return TelemetryStatus(destination: .standardError, decidedBy: .debugVariable(name))
        }
        if case .secretShared = configuration.mode { return TelemetryStatus(destination: .endpoint, decidedBy: .configured) }
        guard let endpoint = configuration.endpoint else { return TelemetryStatus(destination: nil, decidedBy: .noEndpoint) }
        do {
            try TelemetryConfiguration.check(endpoint)
        } catch {
            return TelemetryStatus(destination: nil, decidedBy: .insecureEndpoint)
        }
        return TelemetryStatus(destination: .endpoint, decidedBy: .configured)
    }

    static func isOffValue(_ value: String) -> Bool {
        ["off", "0", "false", "no", "disable", "disabled"].contains(value.lowercased())
    }

    public var description: String {
        switch decidedBy {
        case .flag: return "telemetry is off (--disable-telemetry)"
        case .hostVariable(let name): return "telemetry is off (\(name) opts out)"
        case .doNotTrack: return "telemetry is off (DO_NOT_TRACK is set)"
        case .noEndpoint: return "telemetry is off (no endpoint is configured)"
        case .configured:
            let optOuts = self.optOuts
            let ways = optOuts.dropLast().joined(separator: ", ") + " or " + optOuts[optOuts.count - 1]
            return "telemetry is on (" + (secretSharedDestination.map { "\($0) is configured" } ?? "an endpoint is configured")
                + "; opt out with \(ways))"
        case .debugVariable(let name): return "telemetry debug mode (\(name)): payloads are written to standard error, not sent"
        case .insecureEndpoint: return "telemetry is off (the endpoint must be https, or http to a loopback address)"
        case .invalidPrivacy: return "telemetry is off (the LDP mode's ε must be more than 0 and at most 10)"
        }
    }
}
