import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Delivers one payload. The sender calls it at each scheduled moment; whatever it throws is
/// logged and otherwise ignored. Hosts and tests may supply their own.
public protocol TelemetryTransport: Sendable {
    func deliver(_ payload: [UInt8]) async throws
}

/// What a telemetry request may carry: `Content-Type`, `Content-Length`, `Host` and the host's
/// `User-Agent`, nothing else.
public enum TelemetryRequest {
    /// The headers the request carries (lower case), for tests and reviewers.
    public static let allowedHeaders: Set<String> = ["content-type", "content-length", "host", "user-agent"]
    /// The request head, line by line, as it goes on the wire over HTTP/1.1: the request line,
    /// `Host`, `User-Agent`, `Content-Type`, `Content-Length`, in this order, each with a value.
    public static func documentedHead(path: String, host: String, userAgent: String, contentLength: Int) -> [String] {
        ["POST \(path) HTTP/1.1", "Host: \(host)", "User-Agent: \(userAgent)", "Content-Type: application/json",
         "Content-Length: \(contentLength)"]
    }

    /// Foundation on Linux rounds request timeouts down to whole seconds: at least one second,
    /// rounded up (the exact bound is enforced by the caller).
    static func foundationTimeout(_ timeout: Duration) -> TimeInterval {
        max(1, (Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18).rounded(.up))
    }

    /// An ephemeral session configuration: no cookies, no cache, no extra header, nothing on disk.
    static func sessionConfiguration(timeout: TimeInterval) -> URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpAdditionalHeaders = [:]
        return configuration
    }

    /// Headers URLSession (libcurl under it on Linux) would add of its own, removed from every
    /// request. Accept-Language in particular is the user's preferred languages on Apple
    /// platforms: personal, and a fingerprint.
    static let removedHeaders = ["Accept", "Accept-Encoding", "Accept-Language", "Connection"]

    /// The header fields given to URLSession for a request that goes on the wire as
    /// `documentedHead`.
    ///
    /// On Linux, URLSession (swift-corelibs-foundation) hands the request's headers to libcurl
    /// in the order of a Swift `Dictionary`, which changes from one process to the next, and
    /// sends an empty value (`""`) as an empty header line (`Accept:`). Two facts of libcurl
    /// give the documented head: a header whose value is only white space is not sent, and its
    /// name then also stops libcurl and corelibs adding their own (`Accept: */*`,
    /// `Accept-Encoding: deflate, gzip, br, zstd`, `Accept-Language`, `Connection: keep-alive`;
    /// a blank `Content-Type` stops corelibs' `application/x-www-form-urlencoded`); and the one
    /// header with a value is written as given, so `Content-Type` travels after a CRLF in the
    /// same field as `User-Agent`, which fixes their order. The user agent is checked to be
    /// printable ASCII first (`TelemetryConfiguration.isValidUserAgent`), so nothing else can be
    /// put on the wire that way; `allHTTPHeaderFields` is used because `setValue` refuses a CRLF.
    /// `Host` comes first and `Content-Length` last from libcurl itself. The loopback test
    /// compares the whole head, line by line, so a change in either library shows at once.
    /// Over HTTP/2 (an https collector that offers it), the same four fields go as HTTP/2
    /// header fields: lower-case names, `:authority` for Host.
    ///
    /// On Apple platforms (not tested here) the headers are set one by one and the blank
    /// values ask URLSession not to add its own; it may still add some of them.
    static func headerFields(userAgent: String, contentType: String? = "application/json") -> [String: String] {
        var fields: [String: String] = [:]
        for name in removedHeaders { fields[name] = " " }
        #if os(Linux)
        fields["User-Agent"] = userAgent + (contentType.map { "\r\nContent-Type: " + $0 } ?? "")
        fields["Content-Type"] = " "
        #else
        fields["User-Agent"] = userAgent
        fields["Content-Type"] = contentType ?? " "
        #endif
        return fields
    }
}

/// Why a delivery failed, in words for the host's log.
public struct TelemetryDeliveryError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// POSTs the payload as `application/json` with the host's user agent, on an ephemeral
/// `URLSession` (no cookies, no cache, nothing written to disk), with no header beyond
/// `TelemetryRequest.allowedHeaders`, following no redirect. Cancelling the calling task
/// cancels the request; the timeout is enforced exactly; the answer is read up to a megabyte.
/// (`HTTPClient` does the request, for this transport and for the DAP client alike.)
public final class URLSessionTransport: TelemetryTransport, @unchecked Sendable {
    private let endpoint: URL
    private let http: HTTPClient

    /// The endpoint should have passed `TelemetryConfiguration.check` (https, or http to a
    /// loopback address); `deliver` refuses one that does not.
    public init(endpoint: URL, userAgent: String, timeout: Duration) {
        self.endpoint = endpoint
        http = HTTPClient(userAgent: userAgent, timeout: timeout)
    }

    public func deliver(_ payload: [UInt8]) async throws {
        let response = try await http.send(method: "POST", url: endpoint, contentType: "application/json", body: payload)
        guard (200..<300).contains(response.status) else {
            throw TelemetryDeliveryError(description: "the collector answered HTTP \(response.status)")
        }
    }
}

/// The debug mode's transport: writes each payload, and a line break, to standard error.
public struct StandardErrorTransport: TelemetryTransport {
    public init() {}

    public func deliver(_ payload: [UInt8]) async throws {
        FileHandle.standardError.write(Data(payload + [0x0A]))
    }
}
