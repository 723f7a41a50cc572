import AnonymousSummary
import Foundation

/// What a host decides about its telemetry. There is no built-in collection address: with no
/// `endpoint`, nothing is ever sent (as with Benthos, where only official builds can send).
public struct TelemetryConfiguration: Sendable {
    /// Where payloads are POSTed. nil: telemetry is off (in the exact and LDP modes; a
    /// secret-shared mode names its own parties).
    public var endpoint: URL?
    /// Uptime before the first send, so short runs (tests, one-off jobs) send nothing.
    public var initialDelay: Duration
    /// Time between sends after the first.
    public var period: Duration
    /// The first send happens at a uniformly random moment in [initialDelay, initialDelay +
    /// initialJitter] (an hour by default), drawn from the system CSPRNG, so that the arrival
    /// time of a payload does not give away when its process started.
    public var initialJitter: Duration
    /// Each later send happens period ± up to periodJitter (an hour by default; at most half the
    /// period) after the one before, uniformly, so sends drift apart from the start time.
    public var periodJitter: Duration
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
    /// What is reported: the exact plugin usage (the default), a locally differentially private
    /// randomization of it (`.ldp(epsilon:secret:)`), or secret shares for two aggregators
    /// (`.secretShared`, from `TelemetryDAP`). An ε out of range turns telemetry off
    /// (`TelemetryStatus` says so).
    public var mode: TelemetryMode
    /// Whether a config with no component at all sends its (empty) payload. False by default:
    /// the sender then sends nothing and says why in its log (a payload of nothing is more
    /// likely a wrong file than a wish).
    public var sendsEmptyPayloads = false

    /// - Throws: `TelemetryConfigurationError` for an endpoint that is not `https://`, or
    ///   `http://` to a loopback address (127.0.0.0/8, ::1, localhost): a payload never crosses
    ///   a network in clear text. (An endpoint set later is checked again by
    ///   `TelemetryStatus.decide`, which then turns telemetry off.)
    public init(endpoint: URL?, initialDelay: Duration = .seconds(300), period: Duration = .seconds(86_400),
                initialJitter: Duration = .seconds(3600), periodJitter: Duration = .seconds(3600),
                requestTimeout: Duration = .seconds(10), userAgent: String,
                hostVariable: String? = nil, debugVariable: String? = nil, mode: TelemetryMode = .exact) throws(TelemetryConfigurationError) {
        if let endpoint { try TelemetryConfiguration.check(endpoint) }
        guard TelemetryConfiguration.isValidUserAgent(userAgent) else { throw .invalidUserAgent }
        self.mode = mode
        self.endpoint = endpoint
        self.initialDelay = initialDelay
        self.period = period
        self.initialJitter = initialJitter
        self.periodJitter = periodJitter
        self.requestTimeout = requestTimeout
        self.userAgent = userAgent
        self.hostVariable = hostVariable
        self.debugVariable = debugVariable
    }
}

/// Why an endpoint was refused.
public enum TelemetryConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `http://` to an address that is not loopback: https is required.
    case insecureEndpoint(String)
    /// A user agent that is empty, longer than 256 characters, or not printable ASCII.
    case invalidUserAgent
    /// Not an http(s) URL with a host.
    case unsupportedEndpoint(String)

    public var description: String {
        switch self {
        case .insecureEndpoint(let url):
            return "\(url): https is required (plain http is accepted only for a loopback address: 127.0.0.1, ::1, localhost)"
        case .unsupportedEndpoint(let url):
            return "\(url): not an https URL with a host (and no user, password or fragment)"
        case .invalidUserAgent:
            return "the user agent must be 1 to 256 printable ASCII characters (letters, digits, punctuation, spaces)"
        }
    }
}

extension TelemetryConfiguration {
    /// Accepts `https://HOST…`, and `http://` only to a loopback address.
    public static func check(_ endpoint: URL) throws(TelemetryConfigurationError) {
        guard let scheme = endpoint.scheme?.lowercased(), let host = endpoint.host, !host.isEmpty else {
            throw .unsupportedEndpoint(endpoint.absoluteString)
        }
        // A user or password would make URLSession send an Authorization header; a fragment
        // is never sent anyway. Neither belongs in a telemetry endpoint.
        guard endpoint.user == nil, endpoint.password == nil, endpoint.fragment == nil else {
            throw .unsupportedEndpoint(endpoint.absoluteString)
        }
        switch scheme {
        case "https": return
        case "http": guard isLoopback(host) else { throw .insecureEndpoint(endpoint.absoluteString) }
        default: throw .unsupportedEndpoint(endpoint.absoluteString)
        }
    }

    /// 1 to 256 characters, each printable ASCII (0x20 to 0x7E), not starting or ending with a
    /// space: no control character, so no line break can reach the request head, and a value.
    public static func isValidUserAgent(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return !bytes.isEmpty && bytes.count <= 256 && bytes.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
            && bytes.first != 0x20 && bytes.last != 0x20
    }

    /// 127.0.0.0/8, ::1 and localhost.
    package static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }
}
