import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The one seam every mode's bytes leave through: sends one HTTP request and returns the answer.
/// The sender (exact and LDP payloads) and the secret-shared modes (HPKE configurations, DAP
/// uploads) call it; `URLSessionTransport` goes to the network, and a relay's transport (Oblivious
/// HTTP) or a test's can stand in. Whatever it throws is logged and otherwise ignored.
public protocol TelemetryTransport: Sendable {
    func send(_ request: TelemetryRequest) async throws -> TelemetryResponse
}

/// One request: a method, an URL, a body and its media type; no other header is set by a mode.
public struct TelemetryRequest: Sendable, Equatable {
    public var method: String
    public var url: URL
    /// The body's media type; nil when there is no body.
    public var contentType: String?
    public var body: [UInt8]

    public init(method: String, url: URL, contentType: String? = nil, body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.contentType = contentType
        self.body = body
    }
}

/// An answer, its body read up to a megabyte.
public struct TelemetryResponse: Sendable, Equatable {
    public var status: Int
    /// The `Content-Type` answered, or "".
    public var contentType: String
    public var body: [UInt8]
    /// The `max-age` of `Cache-Control`, in seconds, when the answer gave one.
    public var maxAge: Int?

    public init(status: Int, contentType: String = "", body: [UInt8] = [], maxAge: Int? = nil) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.maxAge = maxAge
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// What a telemetry request may carry: `Content-Type`, `Content-Length`, `Host` and the host's
/// `User-Agent`, nothing else.
public enum TelemetryHeaders {
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

    /// The header fields given to URLSession so that a request goes on the wire as
    /// `documentedHead`: these fields, in this order, and no other.
    ///
    /// On Linux (corelibs Foundation over libcurl) a header whose value is only white space is not
    /// sent, and stops both adding their own of that name; `Content-Type` rides after a CRLF in the
    /// `User-Agent` field, which fixes the order a `Dictionary` would not (the user agent is
    /// checked to be printable ASCII first, `TelemetryConfiguration.isValidUserAgent`). The
    /// loopback test compares the whole head, so a change in either library shows at once. On
    /// Apple platforms (not tested here) the blank values only ask URLSession not to add its own.
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
    public init(description: String) { self.description = description }
}

/// Sends each request on an ephemeral `URLSession` (no cookies, no cache, nothing written to
/// disk) with the host's user agent and no header beyond `TelemetryHeaders.allowedHeaders`,
/// following no redirect. Cancelling the calling task cancels the request; the timeout is
/// enforced exactly; the answer is read up to a megabyte. Refuses an URL that is not https (or
/// http to a loopback address).
public final class URLSessionTransport: TelemetryTransport, @unchecked Sendable {
    private let http: HTTPClient
    private let plainHTTP: Bool

    public init(userAgent: String, timeout: Duration) {
        http = HTTPClient(userAgent: userAgent, timeout: timeout)
        plainHTTP = false
    }

    /// The same, sending plain http to any host: for the DAP interop test client only, whose
    /// aggregators are containers on a private network (`http://leader:8080/`). Never a sender's.
    package init(userAgent: String, timeout: Duration, allowingPlainHTTP: Bool) {
        http = HTTPClient(userAgent: userAgent, timeout: timeout, allowingPlainHTTP: allowingPlainHTTP)
        plainHTTP = allowingPlainHTTP
    }

    public func send(_ request: TelemetryRequest) async throws -> TelemetryResponse {
        if !plainHTTP { try TelemetryConfiguration.check(request.url) }
        let response = try await http.send(method: request.method, url: request.url, contentType: request.contentType, body: request.body)
        return TelemetryResponse(status: response.status, contentType: response.contentType, body: response.body, maxAge: response.maxAge)
    }
}
