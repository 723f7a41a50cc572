import Foundation
import HPKE
import ObliviousHTTP
import TelemetrySender

/// Sends every request through an Oblivious HTTP relay (RFC 9458): each request is encoded as
/// Binary HTTP, encapsulated to the gateway's key configuration and POSTed to the relay as
/// `message/ohttp-req`; the relay forwards it to the gateway, which makes the request to its
/// target (a DAP aggregator, a collector) and answers through the relay. The host opens no
/// connection to the target: the relay learns the host's address and when, not what; the gateway
/// and the target learn what, not from whom (as long as relay and gateway do not collude and every
/// host is given the same key configuration).
///
/// The gateway's key configurations are pinned (`application/ohttp-keys` bytes from a file or a
/// task file) or fetched from a URL through the plain transport (a relay's key endpoint, so the
/// fetch too goes to the relay, never to the gateway or a target) and kept until the gateway
/// refuses them; then fetched once more and compared: keys served to this host alone would be a
/// way to recognise its requests, so a changed configuration is used only after a second fetch
/// agrees with it.
public final class ObliviousRelayTransport: TelemetryTransport, @unchecked Sendable {
    public enum Keys: Sendable {
        /// `application/ohttp-keys` bytes, used as they are.
        case pinned([UInt8])
        /// Where to fetch them (through `transport`: a relay's key endpoint).
        case fetched(URL)
    }

    let relay: URL
    let keys: Keys
    let transport: any TelemetryTransport
    private let lock = NSLock()
    private var current: [OHTTPKeyConfig]?
    /// The last configuration list fetched, to compare a changed one against.
    private var lastFetched: [UInt8]?

    /// - Parameters:
    ///   - relay: the relay's URL for this gateway (https, or http to loopback).
    ///   - transport: how the encapsulated requests reach the relay (`URLSessionTransport`).
    public init(relay: URL, keys: Keys, transport: any TelemetryTransport) throws(ObliviousHTTPError) {
        self.relay = relay
        self.keys = keys
        self.transport = transport
        if case .pinned(let bytes) = keys { current = try OHTTPKeyConfig.decodeList(bytes) }
    }

    public static let requestMediaType = "message/ohttp-req"
    public static let responseMediaType = "message/ohttp-res"
    public static let keysMediaType = "application/ohttp-keys"

    func configs() async throws -> [OHTTPKeyConfig] {
        if let current = lock.withLock({ current }) { return current }
        guard case .fetched(let url) = keys else { throw TelemetryDeliveryError(description: "ohttp: no key configuration") }
        func fetch() async throws -> [UInt8] {
            let response = try await transport.send(TelemetryRequest(method: "GET", url: url))
            guard response.isSuccess, response.contentType.hasPrefix(Self.keysMediaType) || response.contentType.isEmpty else {
                throw TelemetryDeliveryError(description: "ohttp keys: HTTP \(response.status) \(response.contentType)")
            }
            return response.body
        }
        var bytes = try await fetch()
        if let last = lock.withLock({ lastFetched }), last != bytes {
            // Changed keys: fetched once more and used only if the same again (a configuration
            // served to this host alone, to tag its requests, would have to be served twice).
            let again = try await fetch()
            guard again == bytes else {
                throw TelemetryDeliveryError(description: "ohttp keys: two fetches disagree; not used (keys served per request could single this host out)")
            }
            bytes = again
        }
        let list: [OHTTPKeyConfig]
        do { list = try OHTTPKeyConfig.decodeList(bytes) } catch {
            throw TelemetryDeliveryError(description: "ohttp keys: \(error)")
        }
        lock.withLock { current = list; lastFetched = bytes }
        return list
    }

    public func send(_ request: TelemetryRequest) async throws -> TelemetryResponse {
        let list = try await configs()
        guard let (config, _) = OHTTPKeyConfig.firstSupported(in: list) else {
            throw TelemetryDeliveryError(description: "ohttp: the gateway offers no key configuration this client implements")
        }
        let inner = try Self.binaryRequest(request)
        var g = SystemRandomNumberGenerator()
        let encapsulated: OHTTPClientRequest
        do { encapsulated = try OHTTPClientRequest(encapsulating: inner, to: config, using: &g) } catch {
            throw TelemetryDeliveryError(description: "ohttp: \(error)")
        }
        let outer = try await transport.send(TelemetryRequest(method: "POST", url: relay, contentType: Self.requestMediaType,
                                                              body: encapsulated.encapsulatedRequest))
        guard outer.isSuccess else {
            if outer.status == 422 || outer.contentType.hasPrefix("application/problem+json"), case .fetched = keys {
                // A key problem (RFC 9458 section 5.3): fetched again next time.
                lock.withLock { current = nil }
            }
            throw TelemetryDeliveryError(description: "ohttp relay: HTTP \(outer.status)")
        }
        guard outer.contentType.hasPrefix(Self.responseMediaType) else {
            throw TelemetryDeliveryError(description: "ohttp relay: an answer of type \(outer.contentType.isEmpty ? "none" : outer.contentType), not \(Self.responseMediaType)")
        }
        let plain: [UInt8]
        do { plain = try encapsulated.decapsulateResponse(outer.body) } catch {
            throw TelemetryDeliveryError(description: "ohttp: the response does not open (\(error))")
        }
        let response: BinaryHTTPResponse
        do { response = try BinaryHTTPResponse(decoding: plain) } catch {
            throw TelemetryDeliveryError(description: "ohttp: the response is not Binary HTTP (\(error))")
        }
        let type = response.headers.first { $0.name == "content-type" }?.valueText ?? ""
        let maxAge = response.headers.first { $0.name == "cache-control" }?.valueText.flatMap(Self.maxAge)
        return TelemetryResponse(status: response.status, contentType: type.lowercased(), body: response.content, maxAge: maxAge)
    }

    /// The request as known-length Binary HTTP: method, scheme, authority, path, and only the
    /// headers the package sends (`content-type`; no user agent: the gateway's request to the
    /// target is its own).
    static func binaryRequest(_ request: TelemetryRequest) throws -> [UInt8] {
        guard let scheme = request.url.scheme?.lowercased(), let host = request.url.host else {
            throw TelemetryDeliveryError(description: "ohttp: \(request.url) has no scheme or host")
        }
        let authority = host + (request.url.port.map { ":\($0)" } ?? "")
        var path = request.url.path.isEmpty ? "/" : request.url.path
        if let query = request.url.query { path += "?" + query }
        do {
            let headers = try request.contentType.map { [try BinaryHTTPField(name: "content-type", value: $0)] } ?? []
            return try BinaryHTTPRequest(method: request.method, scheme: scheme, authority: authority, path: path,
                                         headers: headers, content: request.body).encoded()
        } catch {
            throw TelemetryDeliveryError(description: "ohttp: \(error)")
        }
    }

    static func maxAge(_ value: String) -> Int? {
        for part in value.lowercased().split(separator: ",") {
            let item = part.trimmingCharacters(in: .whitespaces)
            if item.hasPrefix("max-age="), let n = Int(item.dropFirst(8)), n >= 0 { return n }
        }
        return nil
    }
}
