import AnonymousSummary
import DAP
import Foundation
import HPKE
import ObliviousHTTP
import Primitives
import TelemetryDAP
import TelemetryOHTTP
import TelemetrySender
import XCTest

/// DAP uploads through an Oblivious HTTP relay on loopback: a relay that forwards
/// `message/ohttp-req` to a gateway, which makes the requests to the Leader and the Helper itself.
/// From the servers' own logs: the Leader and the Helper get every request from the gateway,
/// none from the host; the relay sees the host but only encapsulated bytes.
final class RelayEndToEndTests: XCTestCase {
    /// One server: a handler per path prefix, every request logged with its User-Agent.
    final class Server: @unchecked Sendable {
        struct Seen { var method: String; var path: String; var userAgent: String; var contentType: String; var size: Int }
        let lock = NSLock()
        var seen: [Seen] = []
        var port: UInt16 = 0
        init(_ handler: @escaping @Sendable (String, String, [UInt8]) async -> (Int, String, [UInt8])) async throws {
            let started = Ready()
            let me = UncheckedBox(self)
            Thread {
                try? TinyHTTPServer.serve(address: "127.0.0.1", port: 0, started: { started.set($0) }) { method, path, headers, body in
                    me.value.lock.withLock { me.value.seen.append(Seen(method: method, path: path, userAgent: headers["user-agent"] ?? "",
                                                                      contentType: headers["content-type"] ?? "", size: body.count)) }
                    return await handler(method, path, body)
                }
            }.start()
            port = await started.wait()
        }
        var url: URL { URL(string: "http://127.0.0.1:\(port)/")! }
    }

    func testUploadsGoThroughTheRelayAndNoTargetSeesTheHost() async throws {
        var g = SystemRandomNumberGenerator()
        // The aggregators.
        let leaderKey = HPKEPrivateKey(using: &g), helperKey = HPKEPrivateKey(using: &g)
        let leaderList = try DAPHpkeConfigList([DAPHpkeConfig(id: 1, ciphersuite: .x25519SHA256AES128GCM, publicKey: leaderKey.publicKey)]).encoded()
        let helperList = try DAPHpkeConfigList([DAPHpkeConfig(id: 2, ciphersuite: .x25519SHA256ChaChaPoly, publicKey: helperKey.publicKey)]).encoded()
        let uploads = UncheckedBox([[UInt8]]())
        let leader = try await Server { method, path, body in
            if path.hasSuffix("/hpke_config") { return (200, DAPProfile.dap09.hpkeConfigListMediaType, leaderList) }
            if method == "PUT" && path.hasSuffix("/reports") { uploads.value.append(body); return (201, "text/plain", []) }
            return (404, "text/plain", [])
        }
        let helper = try await Server { _, path, _ in
            path.hasSuffix("/hpke_config") ? (200, DAPProfile.dap09.hpkeConfigListMediaType, helperList) : (404, "text/plain", [])
        }
        // The gateway: opens each request, makes it to its target with its own user agent, answers.
        let gatewayKey = try OHTTPGatewayKey(keyID: 7, privateKey: HPKEPrivateKey(using: &g), ciphersuites: [.x25519SHA256AES128GCM])
        let gateway = OHTTPGateway(keys: [gatewayKey])
        let toTargets = URLSessionTransport(userAgent: "gateway/1", timeout: .seconds(10))
        let gatewayServer = try await Server { _, _, body in
            do {
                let opened = try gateway.decapsulate(body)
                let inner = try BinaryHTTPRequest(decoding: opened.request)
                let type = inner.headers.first { $0.name == "content-type" }?.valueText
                let answer = try await toTargets.send(TelemetryRequest(method: inner.method,
                                                                      url: URL(string: "\(inner.scheme)://\(inner.authority)\(inner.path)")!,
                                                                      contentType: type, body: inner.content))
                let headers = answer.contentType.isEmpty ? [] : [try BinaryHTTPField(name: "content-type", value: answer.contentType)]
                var rng = SystemRandomNumberGenerator()
                return (200, "message/ohttp-res", try opened.encapsulateResponse(try BinaryHTTPResponse(status: answer.status, headers: headers,
                                                                                                     content: answer.body).encoded(), using: &rng))
            } catch {
                return (400, "text/plain", Array("\(error)".utf8))
            }
        }
        // The relay: forwards the encapsulated bytes to the gateway, and serves its key configuration.
        let toGateway = URLSessionTransport(userAgent: "relay/1", timeout: .seconds(10))
        let keys = gateway.encodedKeyConfigs
        let relay = try await Server { method, path, body in
            if method == "GET" && path == "/ohttp-keys" { return (200, "application/ohttp-keys", keys) }
            guard let answer = try? await toGateway.send(TelemetryRequest(method: "POST", url: gatewayServer.url, contentType: "message/ohttp-req", body: body)) else {
                return (502, "text/plain", [])
            }
            return (answer.status, answer.contentType, answer.body)
        }
        let task = DAPTask(profile: .dap09, id: DAPTaskID(bytes: [UInt8](repeating: 5, count: 32))!, leader: leader.url,
                           helper: URL(string: "http://localhost:\(helper.port)/")!,
                           vdaf: .init(type: "Prio3SumVec", length: DAPTelemetryLayout().length, bits: 1, chunkLength: TelemetryMeasurement.defaultChunkLength),
                           timePrecision: 3600)
        let host = URLSessionTransport(userAgent: "host/1", timeout: .seconds(10))
        let viaRelay = try ObliviousRelayTransport(relay: relay.url.appendingPathComponent("gateway"),
                                                   keys: .fetched(relay.url.appendingPathComponent("ohttp-keys")), transport: host)
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\noutput: {aws_s3: {}}\n".utf8))])
        let mode = try DAPTelemetry(task: task)
        let line = try await mode.send(TelemetryInput(usage: usage, id: .random(), uptimeSeconds: 0, unixTime: Int64(Date().timeIntervalSince1970)),
                                       via: viaRelay)
        XCTAssertTrue(line.contains("uploaded a dap-09 report"), line)
        XCTAssertEqual(uploads.value.count, 1)
        // The logs: the host talks to the relay only, in encapsulated requests; the targets hear the gateway only.
        XCTAssertEqual(Set(relay.seen.map(\.userAgent)), ["host/1"])
        XCTAssertEqual(relay.seen.filter { $0.method == "POST" }.map(\.contentType), Array(repeating: "message/ohttp-req", count: 5),
                       "two fetches of each aggregator's configuration (compared) and the upload, each encapsulated")
        XCTAssertEqual(Set(gatewayServer.seen.map(\.userAgent)), ["relay/1"])
        for (name, server) in [("Leader", leader), ("Helper", helper)] {
            XCTAssertFalse(server.seen.isEmpty, name)
            XCTAssertFalse(server.seen.contains { $0.userAgent == "host/1" }, "\(name) heard from the host")
        }
        let inner = leader.seen.first { $0.method == "PUT" }?.size ?? 0
        let outer = relay.seen.filter { $0.method == "POST" }.map(\.size).max() ?? 0
        print("ohttp overhead: a \(inner)-byte upload went to the relay as \(outer) bytes (+\(outer - inner): BHTTP framing, header, enc, tag)")
        XCTAssertGreaterThan(outer, inner)
        XCTAssertLessThan(outer - inner, 300)
        // The relay never saw a DAP message in clear: no request path or media type of DAP.
        XCTAssertFalse(relay.seen.contains { $0.path.contains("tasks") || $0.contentType.contains("dap") })
    }
}

final class UncheckedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

final class Ready: @unchecked Sendable {
    private let condition = NSCondition()
    private var port: UInt16?
    func set(_ p: UInt16) { condition.lock(); port = p; condition.broadcast(); condition.unlock() }
    func wait() async -> UInt16 {
        await withCheckedContinuation { (c: CheckedContinuation<UInt16, Never>) in
            Thread { [self] in
                condition.lock()
                while port == nil { condition.wait() }
                let p = port ?? 0
                condition.unlock()
                c.resume(returning: p)
            }.start()
        }
    }
}
