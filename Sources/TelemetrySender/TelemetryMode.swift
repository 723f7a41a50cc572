import AnonymousSummary
import LocalPrivacy

/// What a host's telemetry sends: one mode, one configuration.
public enum TelemetryMode: Sendable {
    /// The exact plugin usage (`Summary`), wire-compatible with Redpanda Connect's.
    case exact
    /// An ε-locally-differentially-private bit vector of the usage (optimized unary encoding,
    /// 0 < ε <= 10; `OptimizedUnaryEncoding.defaultEpsilon` is ln 3), drawn once per process, or
    /// once per (secret, config) with a persistent secret.
    case ldp(epsilon: Double, secret: LDPSecret? = nil)
    /// Secret shares of the usage for two aggregators (the `TelemetryDAP` library's
    /// `DAPTelemetry`): made and uploaded by the mode, through the sender's transport and on its
    /// clock. The configuration's endpoint is not used.
    case secretShared(any SecretSharedTelemetry)

    /// The LDP mechanism, or nil for another mode or an ε out of range.
    public var mechanism: OptimizedUnaryEncoding? {
        if case .ldp(let epsilon, _) = self { return OptimizedUnaryEncoding(epsilon: epsilon) }
        return nil
    }

    /// For people: `exact (…)`, `ldp (…)`, or the secret-shared mode's own words.
    public var description: String {
        switch self {
        case .exact: return "exact (plugin names and counts)"
        case .ldp(let epsilon, let secret):
            return "ldp (optimized unary encoding, plugin-level ε = \(epsilon)"
                + (secret == nil ? ", drawn afresh each process)" : ", memoised with a persistent secret)")
        case .secretShared(let mode): return mode.description
        }
    }
}

extension TelemetryMode {
    /// What a send of `input` sends in this mode (a secret-shared mode: what it shares), given
    /// the process's LDP draw in LDP mode: the bytes the sender sends (or, in debug mode,
    /// writes) and `anonymous-summary summarise` prints.
    public func bytes(for input: TelemetryInput, ldpReport: LDPReport?) throws -> [UInt8] {
        switch self {
        case .exact: return Summary(id: input.id, uptimeSeconds: input.uptimeSeconds, usage: input.usage).jsonBytes()
        case .ldp:
            guard let ldpReport else { throw TelemetryDeliveryError(description: "the LDP mode's ε is out of range") }
            return ldpReport.summary(id: input.id, uptimeSeconds: input.uptimeSeconds).jsonBytes()
        case .secretShared(let shared): return try shared.preview(input)
        }
    }
}

/// What one send is about: the usage, the process's id, the uptime it reports and the time.
public struct TelemetryInput: Sendable {
    public var usage: ComponentUsage
    public var id: InstanceID
    /// Whole hours, in seconds, shifted by the process's secret offset.
    public var uptimeSeconds: UInt64
    /// Seconds since 1970 on the sender's clock (its wall time at start plus the time elapsed on
    /// its monotonic clock, so a virtual clock moves it too).
    public var unixTime: Int64

    public init(usage: ComponentUsage, id: InstanceID, uptimeSeconds: UInt64, unixTime: Int64) {
        self.usage = usage
        self.id = id
        self.uptimeSeconds = uptimeSeconds
        self.unixTime = unixTime
    }
}

/// A mode whose sends another library makes (`TelemetryDAP`): the sender keeps the schedule, the
/// opt-outs, the clock and the transport; the mode makes what is sent and sends it through the
/// transport it is handed.
public protocol SecretSharedTelemetry: Sendable {
    /// For people, in the status and the logs.
    var description: String { get }
    /// The parties reports go to, for the status (`a DAP task, Leader https://…`).
    var destination: String { get }
    /// What a send of `input` secret-shares, as the debug mode and `summarise` print it (the
    /// plaintext measurement, never sent as is): produced by the same code `send` uses.
    func preview(_ input: TelemetryInput) throws -> [UInt8]
    /// One send: makes the report of `input` and delivers it through `transport`. Returns a
    /// line for the host's log. Whatever it throws is logged and the send counts as failed.
    func send(_ input: TelemetryInput, via transport: any TelemetryTransport) async throws -> String
    /// Windows of this length, counted from 1970 (a DAP task's time precision): the sender puts at
    /// most one send of a process in each, so a batch of whole windows holds at most one report
    /// of each process per window. nil: no such rule.
    var batchWindow: Duration? { get }
}

extension SecretSharedTelemetry {
    public var batchWindow: Duration? { nil }
}
