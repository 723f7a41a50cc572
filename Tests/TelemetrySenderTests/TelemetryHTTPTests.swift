import TelemetryDAP
import LocalPrivacy
import VDAF
import DAP
import HPKE
import UsageReport
import TestSupport
import AnonymousSummary
import Foundation
import TelemetrySender
import XCTest

/// The sender against a real HTTP server on 127.0.0.1, started by each test, answering well
/// and badly. Real time, short delays: 50 ms before the first send, a 300 ms period.
final class TelemetryHTTPTests: XCTestCase {
    let usage: ComponentUsage = {
        let yaml = Array("input: {kafka: {}}\npipeline: {processors: [{mapping: root = this}]}\noutput: {aws_s3: {}}\n".utf8)
        return (try? Summariser().usage(of: [ConfigSource(yaml)])) ?? ComponentUsage()
    }()
    let id = InstanceID(parsing: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")!
    let period = Duration.milliseconds(300)

    func sender(_ url: URL, log: LogLines) -> TelemetrySender<ContinuousClock> {
        let configuration = make { try TelemetryConfiguration(endpoint: url, initialDelay: .milliseconds(50), period: period,
                                                   initialJitter: .zero, periodJitter: .zero,
                                                   requestTimeout: .milliseconds(300), userAgent: "testhost/1.2.3") }
        let status = TelemetryStatus.decide(arguments: [], environment: [:], configuration: configuration)
        return TelemetrySender(configuration: configuration, status: status, usage: usage, id: id,
                               clock: ContinuousClock(), log: { log.append($0) })
    }

    /// Starts a sender against `server`, waits until the sender has logged the outcome of its
    /// first attempt (the request is then complete on both sides, and its log line written),
    /// stops it; that request.
    func firstRequest(to server: LoopbackServer, log: LogLines,
                      file: StaticString = #filePath, line: UInt = #line) async throws -> LoopbackServer.Request {
        let sender = sender(server.url, log: log)
        await sender.start()
        let done = await eventually { log.lines.contains { $0.contains("telemetry: sent") || $0.contains("send failed") } }
        await sender.stop()
        XCTAssertTrue(done, "log: \(log.lines)", file: file, line: line)
        return try XCTUnwrap(server.requests.first, file: file, line: line)
    }

    /// Work the host keeps doing while the sender runs (and fails): a tick every 10 ms until
    /// the event a test waits for.
    final class HostWork: @unchecked Sendable {
        private let lock = NSLock()
        private var ticks = 0
        var count: Int { lock.withLock { ticks } }
        func run(until done: @escaping @Sendable () -> Bool) async {
            let deadline = Date().addingTimeInterval(eventuallyLimit)
            while !done() && Date() < deadline {
                lock.withLock { ticks += 1 }
                try? await Task.sleep(nanoseconds: 10_000_000)
            }
        }
    }

    func testThePayloadIsPostedAsJSONWithTheHostsUserAgent() async throws {
        let server = try LoopbackServer(mode: .ok)
        defer { server.stop() }
        let log = LogLines()
        let request = try await firstRequest(to: server, log: log)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/v1/telemetry")
        XCTAssertEqual(request.headers["content-type"], "application/json")
        XCTAssertEqual(request.headers["user-agent"], "testhost/1.2.3")
        // Nothing beyond the payload: no Accept-Language (the user's languages on Apple
        // platforms), no cookies, no encodings, nothing Foundation adds of its own.
        XCTAssertEqual(Set(request.headers.keys), TelemetryHeaders.allowedHeaders,
                       "headers sent: \(request.headers)")
        XCTAssertEqual(request.headers["content-length"], String(request.body.count))
        XCTAssertEqual(request.body, Summary(id: id, uptimeSeconds: 0, usage: usage).jsonBytes(),
                       "byte for byte the encoder's payload")
        XCTAssertTrue(log.lines.contains { $0.hasPrefix("telemetry: sent \(request.body.count) bytes") }, "\(log.lines)")
    }

    /// The whole request head, line by line, byte for byte, is the documented one (README,
    /// SECURITY.md, `TelemetryHeaders.documentedHead`): only Host's port varies. Three senders in
    /// a row (URLSession orders headers through a dictionary whose order can change).
    func testTheRequestHeadIsExactlyTheDocumentedOne() async throws {
        for _ in 0..<3 {
            let server = try LoopbackServer(mode: .ok)
            defer { server.stop() }
            let request = try await firstRequest(to: server, log: LogLines())
            let expected = TelemetryHeaders.documentedHead(path: "/v1/telemetry", host: "127.0.0.1:\(server.port)",
                                                           userAgent: "testhost/1.2.3", contentLength: request.body.count)
            XCTAssertEqual(request.headLines, expected, "the head on the wire:\n" + request.headLines.joined(separator: "\n"))
            for (got, want) in zip(request.headLines, expected) where got != want {
                XCTFail("line \(String(reflecting: got)) where \(String(reflecting: want)) is documented")
            }
        }
    }

    /// A user agent that could put anything else on the wire (a line break, a control
    /// character, a non-ASCII byte) is refused when the configuration is made, and again at
    /// delivery if it was changed after.
    func testAUserAgentThatCouldInjectAHeaderIsRefused() async throws {
        for bad in ["host/1\r\nX-Evil: 1", "host/1\n", "", "h\u{0}", "hôte/1", String(repeating: "a", count: 257), " ", " host/1", "host/1 "] {
            XCTAssertThrowsError(try TelemetryConfiguration(endpoint: nil, userAgent: bad), String(reflecting: bad)) { error in
                XCTAssertEqual(error as? TelemetryConfigurationError, .invalidUserAgent)
            }
        }
        XCTAssertNoThrow(try TelemetryConfiguration(endpoint: nil, userAgent: "example-host/1.0 (linux; +https://example.com)"))
        // An endpoint with a user or password would add an Authorization header: refused.
        for url in ["https://user:pass@collector.example/v1", "https://user@collector.example/v1", "https://collector.example/v1#x"] {
            XCTAssertThrowsError(try TelemetryConfiguration(endpoint: URL(string: url), userAgent: "h/1"), url)
        }
        let server = try LoopbackServer(mode: .ok)
        defer { server.stop() }
        let transport = URLSessionTransport(userAgent: "a\r\nX-Evil: 1", timeout: .seconds(2))
        do {
            _ = try await transport.send(TelemetryRequest(method: "POST", url: server.url, contentType: "application/json", body: Array("{}".utf8)))
            XCTFail("delivered with a user agent holding a line break")
        } catch {
            XCTAssertTrue("\(error)".contains("user agent"), "\(error)")
        }
        XCTAssertEqual(server.requests.count, 0)
    }

    func testARedirectIsNotFollowedAndCountsAsAFailure() async throws {
        let server = try LoopbackServer(mode: .redirect)
        defer { server.stop() }
        let log = LogLines()
        let sender = sender(server.url, log: log)
        await sender.start()
        let failed = await eventually { log.lines.contains { $0.contains("HTTP 302") } }
        await sender.stop()
        XCTAssertTrue(failed, "\(log.lines)")
        XCTAssertFalse(server.requests.contains { $0.path == "/elsewhere" }, "the redirect was followed")
    }

    /// run() in the caller's task: cancelling that task ends it within a second, in the initial
    /// delay, between periods and mid-request; with telemetry off it returns at once.
    func testRunReturnsPromptlyOnCancellationWhereverItIs() async throws {
        let clock = ContinuousClock()
        // Off: at once, and nothing is sent.
        let off = TelemetrySender(configuration: make { try TelemetryConfiguration(endpoint: nil, userAgent: "t") },
                                  status: TelemetryStatus(destination: nil, decidedBy: .noEndpoint), usage: usage)
        let offTime = await clock.measure { await off.run() }
        XCTAssertLessThan(offTime, .milliseconds(50))
        for phase in ["initial delay", "between periods", "mid-request"] {
            let server = try LoopbackServer(mode: phase == "mid-request" ? .neverAnswer : .ok)
            defer { server.stop() }
            let log = LogLines()
            let configuration = make { try TelemetryConfiguration(endpoint: server.url, initialDelay: phase == "initial delay" ? .seconds(60) : .milliseconds(20),
                                                                  period: .seconds(60), initialJitter: .zero, periodJitter: .zero,
                                                                  requestTimeout: .seconds(30), userAgent: "t") }
            let sender = TelemetrySender(configuration: configuration, status: TelemetryStatus(destination: .endpoint, decidedBy: .configured),
                                         usage: usage, id: id, clock: ContinuousClock(), log: { log.append($0) })
            let task = Task { await sender.run() }
            // Wait for the state each phase names, not for a while.
            switch phase {
            case "initial delay":
                // run() has logged its first delay: it is in it (60 s long).
                let said = await eventually { log.lines.contains { $0.contains("the first payload goes in") } }
                XCTAssertTrue(said, phase)
            case "between periods":
                // The first period is over: its send logged as sent, or its send and its one
                // retry logged as failed (seen once in 70 loaded runs: a broken pipe on
                // loopback); either way the next send is a 60 s period away.
                let over = await eventually {
                    let lines = log.lines
                    return lines.contains { $0.contains("telemetry: sent") } || lines.filter { $0.contains("send failed") }.count >= 2
                }
                XCTAssertTrue(over, "\(phase): \(log.lines)")
            default:
                // The server holds the whole request and never answers: the sender waits on it.
                let reached = await eventually { server.requests.count >= 1 }
                XCTAssertTrue(reached, phase)
            }
            let running = await sender.isRunning
            XCTAssertTrue(running, phase)
            let elapsed = await clock.measure {
                task.cancel()
                await task.value
            }
            XCTAssertLessThan(elapsed, .seconds(1), "\(phase): run() took \(elapsed) to return")
            let stillRunning = await sender.isRunning
            XCTAssertFalse(stillRunning, phase)
            if phase == "initial delay" { XCTAssertEqual(server.requests.count, 0) }
        }
    }

    func testServerErrorsAreSwallowedBoundedAndTheNextPeriodSendsAgain() async throws {
        let server = try LoopbackServer(mode: .status(500))
        defer { server.stop() }
        let log = LogLines()
        let sender = sender(server.url, log: log)
        let host = HostWork()
        let start = Date()
        await sender.start()
        // Until the third request: the first period's send and retry, then the next period's.
        let hostTicksAtFirst = Locked(0)
        await host.run {
            let n = server.requests.count
            if n >= 1 && hostTicksAtFirst.value == 0 { hostTicksAtFirst.value = host.count + 1 }
            return n >= 3
        }
        await sender.stop()
        let elapsed = Date().timeIntervalSince(start)
        // The bound grows with the time that passed, so a slow machine cannot break it.
        let periods = Int(elapsed / 0.3) + 1
        XCTAssertGreaterThanOrEqual(server.requests.count, 3, "the next periods send again; log: \(log.lines)")
        XCTAssertLessThanOrEqual(server.requests.count, 2 * periods, "at most one retry per period")
        XCTAssertTrue(log.lines.contains { $0.contains("HTTP 500") }, "\(log.lines)")
        // Between the first request and the third (at least a period apart) the host ticked on.
        XCTAssertGreaterThan(host.count, hostTicksAtFirst.value, "the host's own work kept running")
    }

    func testConnectionRefusedIsSwallowed() async throws {
        let server = try LoopbackServer(mode: .ok)
        let url = server.url
        server.stop()  // nothing listens on that port now
        let log = LogLines()
        let sender = sender(url, log: log)
        let host = HostWork()
        let start = Date()
        await sender.start()
        let ticksAtFirstFailure = Locked(0)
        // Until three failures are logged (the first period's send and retry, the next period's).
        await host.run {
            let n = log.lines.filter { $0.contains("send failed") }.count
            if n >= 1 && ticksAtFirstFailure.value == 0 { ticksAtFirstFailure.value = host.count + 1 }
            return n >= 3
        }
        await sender.stop()
        let elapsed = Date().timeIntervalSince(start)
        let failures = log.lines.filter { $0.contains("send failed") }.count
        XCTAssertGreaterThanOrEqual(failures, 3, "\(log.lines)")
        XCTAssertLessThanOrEqual(failures, 2 * (Int(elapsed / 0.3) + 1), "at most one retry per period")
        XCTAssertGreaterThan(host.count, ticksAtFirstFailure.value, "the host's own work kept running")
    }

    func testAServerThatNeverAnswersTimesOutAndStopCancelsMidRequest() async throws {
        let server = try LoopbackServer(mode: .neverAnswer)
        defer { server.stop() }
        let log = LogLines()
        let sender = sender(server.url, log: log)
        let started = Date()
        await sender.start()
        // The first request times out after 300 ms (50 ms after start) and is logged.
        let timedOut = await eventually { log.lines.contains { $0.contains("timed out") } }
        XCTAssertTrue(timedOut, "\(log.lines)")
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 0.3, "the timeout is the configured one")
        // Catch it mid-request, and stop: it must end within a second.
        let inFlight = await eventually { server.requests.count >= 2 }
        XCTAssertTrue(inFlight)
        let clock = ContinuousClock()
        let stopped = await clock.measure { await sender.stop() }
        XCTAssertLessThan(stopped, .seconds(1), "stop() took \(stopped)")
    }

    func testAServerThatClosesMidResponseIsSwallowedAndTheNextPeriodSendsAgain() async throws {
        let server = try LoopbackServer(mode: .closeMidResponse)
        defer { server.stop() }
        let log = LogLines()
        let sender = sender(server.url, log: log)
        await sender.start()
        let again = await eventually { server.requests.count >= 3 }
        await sender.stop()
        XCTAssertTrue(again, "requests: \(server.requests.count), log: \(log.lines)")
        XCTAssertTrue(log.lines.contains { $0.contains("send failed") }, "\(log.lines)")
    }

    /// With no endpoint, the library alone opens no socket: none appears among the process's
    /// open files while a sender with the default transport "runs".
    func testNoEndpointOpensNoSocket() async throws {
        /// The sockets open in this process, by inode (sockets of earlier tests may close meanwhile).
        func sockets() -> Set<String> {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return Set(fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) }
                .filter { $0.hasPrefix("socket:") })
        }
        guard FileManager.default.fileExists(atPath: "/proc/self/fd") else { throw XCTSkip("needs /proc (Linux)") }
        let before = sockets()
        let configuration = make { try TelemetryConfiguration(endpoint: nil, initialDelay: .zero, period: .milliseconds(20),
                                                              initialJitter: .zero, periodJitter: .zero, userAgent: "t") }
        let status = TelemetryStatus.decide(arguments: [], environment: [:], configuration: configuration)
        XCTAssertEqual(status.decidedBy, .noEndpoint)
        let sender = TelemetrySender(configuration: configuration, status: status, usage: usage)
        await sender.start()
        let running = await sender.isRunning
        XCTAssertFalse(running)
        try await Task.sleep(nanoseconds: 200_000_000)
        XCTAssertEqual(sockets().subtracting(before), [], "a socket was opened")
        // The check can see sockets: a listening server adds one.
        let server = try LoopbackServer(mode: .ok)
        XCTAssertFalse(sockets().subtracting(before).isEmpty)
        server.stop()
    }
}
