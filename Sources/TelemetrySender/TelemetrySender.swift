import AnonymousSummary
import Foundation
import LocalPrivacy

/// Sends the anonymous summary (or, in LDP mode, its randomized report, drawn once when the
/// sender is made) on a schedule: first at a random moment from `initialDelay` to
/// `initialDelay + initialJitter` of uptime, then every `period` ± up to `periodJitter`. It never harms its host: it runs in one task the host can
/// cancel, every error is swallowed (reported only to the optional `log`), a failed send is
/// retried at most once per period (after a jittered delay), and nothing accumulates from one
/// period to the next. When the status says off, `start()` creates no task, no timer, no
/// socket and no file.
///
/// Delays are measured on `clock` (a monotonic `ContinuousClock` by default; tests inject a
/// virtual one to run days of schedule in milliseconds). At each send the uptime is measured
/// anew and the payload is made by `Summary.jsonBytes()`: the sender never builds JSON.
public actor TelemetrySender<C: Clock> where C.Duration == Duration {
    public nonisolated let status: TelemetryStatus
    private nonisolated let configuration: TelemetryConfiguration
    private let usage: ComponentUsage
    /// In LDP mode, the one draw of this process: every payload repeats its bits.
    public nonisolated let ldpReport: LDPReport?
    private let id: InstanceID
    private let clock: C
    private let makeTransport: @Sendable () -> any TelemetryTransport
    private let log: (@Sendable (String) -> Void)?
    private let randomFraction: @Sendable () -> Double
    /// Seconds since 1970 when the sender was made; with the time elapsed on `clock`, the
    /// `unixTime` of each send.
    private let wallTimeAtStart: Int64
    /// Where the debug mode writes what each send would send (standard error by default).
    private let debugOutput: @Sendable ([UInt8]) -> Void
    private var task: Task<Void, Never>?

    /// - Parameters:
    ///   - status: the decision (`TelemetryStatus.decide`); when off, the sender does nothing.
    ///   - usage: the summary of the host's config.
    ///   - id: this process's instance id (random by default; never derived from the host). In
    ///     LDP mode with a secret, the id derived from the secret is used instead.
    ///   - transport: how requests leave (`URLSessionTransport` by default); made only when the
    ///     sender starts enabled, and never used in debug mode.
    ///   - wallTime: seconds since 1970 now (the system's by default); later sends add the time
    ///     elapsed on `clock`.
    ///   - debugOutput: where debug mode writes what each send would send (standard error).
    ///   - log: where errors and sends are reported, if anywhere.
    ///   - randomFraction: the jitter source, a value in 0..<1: the system CSPRNG by default
    ///     (injectable for tests).
    public init(configuration: TelemetryConfiguration, status: TelemetryStatus, usage: ComponentUsage,
                id: InstanceID = .random(), clock: C,
                transport: (@Sendable () -> any TelemetryTransport)? = nil,
                log: (@Sendable (String) -> Void)? = nil,
                randomFraction: @escaping @Sendable () -> Double = TelemetrySchedule.systemRandomFraction,
                wallTime: Int64? = nil,
                debugOutput: @escaping @Sendable ([UInt8]) -> Void = { FileHandle.standardError.write(Data($0 + [0x0A])) }) {
        self.configuration = configuration
        self.status = status
        self.usage = usage
        if let mechanism = configuration.mode.mechanism, status.isEnabled, case .ldp(_, let secret) = configuration.mode {
            ldpReport = LDPReport(usage: usage, mechanism: mechanism, secret: secret)
        } else {
            ldpReport = nil
        }
        // With a persistent secret the deployment's id is derived from it (see LDPSecret.instanceID).
        if case .ldp(_, let secret?) = configuration.mode {
            self.id = secret.instanceID
        } else {
            self.id = id
        }
        self.clock = clock
        self.log = log
        self.randomFraction = randomFraction
        self.wallTimeAtStart = wallTime ?? Int64(Date().timeIntervalSince1970)
        self.debugOutput = debugOutput
        if let transport {
            self.makeTransport = transport
        } else {
            let userAgent = configuration.userAgent
            let timeout = configuration.requestTimeout
            self.makeTransport = { URLSessionTransport(userAgent: userAgent, timeout: timeout) }
        }
    }

    /// True while the schedule runs (in `run()`, or in the task `start()` made).
    public var isRunning: Bool { task != nil || runs > 0 }
    private var runs = 0

    /// Runs the schedule in the caller's task until that task is cancelled: the first payload
    /// after `initialDelay`, then one every `period`. Returns at once when telemetry is off (or
    /// when this sender's schedule already runs), and within a second of cancellation, also
    /// mid-request. This is what a server host runs as a service (swift-service-lifecycle's
    /// `Service.run()`, or a child task of its task group); `start()` and `stop()` are
    /// conveniences built on it.
    public func run() async {
        guard status.isEnabled, runs == 0 else { return }
        runs += 1
        defer { runs -= 1 }
        await schedule(started: clock.now, transport: makeTransport())
    }

    /// Starts the schedule in a task of its own, if telemetry is enabled; does nothing
    /// otherwise or if started.
    public func start() {
        guard status.isEnabled, task == nil, runs == 0 else { return }
        task = Task { [weak self] in
            await self?.run()
        }
    }

    /// Stops the task `start()` made, cancelling a request in flight; returns when it has ended.
    public func stop() async {
        guard let task else { return }
        task.cancel()
        await task.value
        self.task = nil
    }

    private func schedule(started: C.Instant, transport: any TelemetryTransport) async {
        if usage.isEmpty && !configuration.sendsEmptyPayloads {
            log?("telemetry: the config has no component: nothing will be sent (sendsEmptyPayloads sends the empty payload)")
            return
        }
        let plan = TelemetrySchedule(configuration)
        // A secret offset in [0, 1 h) for this process: the reported uptime is
        // floor((uptime + offset) / 1 h) h, so that a collector who intersects the windows of
        // many payloads of one id pins down start − offset, never the start itself.
        let offset = plan.uptimeOffset(randomFraction())
        let firstDelay = plan.initialDelay(randomFraction())
        var next = started.advanced(by: firstDelay)
        log?("telemetry: the first payload goes in \(TelemetrySchedule.words(firstDelay)) (a random moment from "
             + "\(TelemetrySchedule.words(plan.initialDelay)) to \(TelemetrySchedule.words(plan.initialDelay + plan.initialJitter)) "
             + "after start), then about every \(TelemetrySchedule.words(plan.period))")
        // A secret-shared mode's batch window (a DAP task's time precision): at most one send of
        // this process in each, so a batch of whole windows counts the process once a window.
        var window: Int64?
        if case .secretShared(let mode) = configuration.mode, let w = mode.batchWindow, w >= .seconds(1) { window = w.components.seconds }
        var lastWindow: Int64?
        while !Task.isCancelled {
            do { try await clock.sleep(until: next, tolerance: nil) } catch { return }
            if let window, let last = lastWindow {
                let now = unixTime(started)
                if now / window <= last {
                    // A second send in this window: it waits for the next one, a random moment in
                    // its first hour (or its whole length, if shorter).
                    let wait = Duration.seconds((last + 1) * window - now) + min(.seconds(window), .seconds(3600)) * randomFraction()
                    log?("telemetry: one report a batch window (\(TelemetrySchedule.words(.seconds(window)))): this send waits \(TelemetrySchedule.words(wait))")
                    do { try await clock.sleep(until: clock.now.advanced(by: wait), tolerance: nil) } catch { return }
                }
            }
            let sentAt = clock.now
            if let window { lastWindow = unixTime(started) / window }
            if await send(started: started, offset: offset, transport: transport) == false, !Task.isCancelled {
                // One retry in this period, after a jittered delay well inside it. In the same
                // batch window a secret-shared mode sends the same report again.
                let base = min(configuration.period / 24, .seconds(3600))
                let retryAt = clock.now.advanced(by: base + base * randomFraction())
                if retryAt < next.advanced(by: configuration.period) {
                    do { try await clock.sleep(until: retryAt, tolerance: nil) } catch { return }
                    if let window { lastWindow = unixTime(started) / window }
                    _ = await send(started: started, offset: offset, transport: transport)
                }
            }
            next = next.advanced(by: plan.nextGap(randomFraction()))
            // After a long pause (a suspended laptop, a stalled request), skip the moments
            // already past rather than send a burst to catch up, and keep at least
            // period − periodJitter between two scheduled sends.
            // (Measured from this period's scheduled send, not from a retry.)
            if next < sentAt.advanced(by: plan.period - plan.periodJitter) {
                next = sentAt.advanced(by: plan.nextGap(randomFraction()))
            }
        }
    }

    /// Seconds since 1970 on the sender's clock.
    private func unixTime(_ started: C.Instant) -> Int64 {
        wallTimeAtStart &+ started.duration(to: clock.now).components.seconds
    }

    /// One delivery; false if it failed.
    private func send(started: C.Instant, offset: Int64, transport: any TelemetryTransport) async -> Bool {
        let elapsed = started.duration(to: clock.now).components.seconds
        // Whole hours (still a number of seconds: 3,725 s goes as 3,600), shifted by the
        // process's secret offset, so that arrival time minus uptime does not give the start time.
        let seconds = TelemetrySchedule.reportedUptime(seconds: elapsed &+ offset)
        let input = TelemetryInput(usage: usage, id: id, uptimeSeconds: seconds, unixTime: wallTimeAtStart &+ elapsed)
        do {
            if status.destination == .standardError {
                // Debug mode: what this send would send, by the code that makes it; no request.
                let shown = try what(input)
                debugOutput(shown)
                log?("telemetry: wrote \(shown.count) bytes (uptime \(elapsed) s, reported as \(seconds) s)")
                return true
            }
            switch configuration.mode {
            case .secretShared(let mode):
                // Not `log?(try await …)`: with no log, optional chaining would skip the send.
                let line = try await mode.send(input, via: transport)
                log?(line)
            case .exact, .ldp:
                guard let endpoint = configuration.endpoint else { throw TelemetryDeliveryError(description: "no endpoint is configured") }
                let payload = try what(input)
                let response = try await transport.send(TelemetryRequest(method: "POST", url: endpoint, contentType: "application/json", body: payload))
                guard response.isSuccess else { throw TelemetryDeliveryError(description: "the collector answered HTTP \(response.status)") }
                log?("telemetry: sent \(payload.count) bytes (uptime \(elapsed) s, reported as \(seconds) s)")
            }
            return true
        } catch {
            log?("telemetry: send failed: \(error)")
            return false
        }
    }

    /// What a send of `input` sends in this mode (the secret-shared modes: what they share),
    /// the bytes debug mode writes and `anonymous-summary summarise` prints.
    public nonisolated func what(_ input: TelemetryInput) throws -> [UInt8] {
        try configuration.mode.bytes(for: input, ldpReport: ldpReport)
    }
}

extension TelemetrySender where C == ContinuousClock {
    /// A sender on the monotonic clock.
    public init(configuration: TelemetryConfiguration, status: TelemetryStatus, usage: ComponentUsage,
                id: InstanceID = .random(), log: (@Sendable (String) -> Void)? = nil) {
        self.init(configuration: configuration, status: status, usage: usage, id: id, clock: ContinuousClock(), log: log)
    }
}

/// The schedule's arithmetic, apart so that it can be read and tested alone.
public struct TelemetrySchedule: Sendable {
    public let initialDelay: Duration
    public let initialJitter: Duration
    public let period: Duration
    public let periodJitter: Duration

    public init(_ c: TelemetryConfiguration) {
        initialDelay = max(.zero, c.initialDelay)
        initialJitter = max(.zero, c.initialJitter)
        period = c.period
        periodJitter = min(max(.zero, c.periodJitter), c.period / 2)
    }

    /// initialDelay + u · initialJitter, for u in [0, 1).
    public func initialDelay(_ u: Double) -> Duration { initialDelay + initialJitter * min(max(u, 0), 1) }

    /// period − periodJitter + 2u · periodJitter: period ± up to periodJitter.
    public func nextGap(_ u: Double) -> Duration { period - periodJitter + periodJitter * (2 * min(max(u, 0), 1)) }

    /// The uptime a payload reports: whole hours, in seconds.
    public static func reportedUptime(seconds: Int64) -> UInt64 { UInt64(max(0, seconds)) / 3600 * 3600 }

    /// The process's secret uptime offset, u · 1 h in whole seconds, for u in [0, 1).
    public func uptimeOffset(_ u: Double) -> Int64 { Int64(min(max(u, 0), 1) * 3600) }

    /// A uniform value in [0, 1) from the system CSPRNG (53 random bits).
    public static let systemRandomFraction: @Sendable () -> Double = {
        var g = SystemRandomNumberGenerator()
        return Double(g.next() >> 11) * 0x1p-53
    }

    /// `37 min 12 s`, `5 min`, `24 h`, `1.5 s`.
    public static func words(_ d: Duration) -> String {
        let total = d.components.seconds
        let fraction = Double(d.components.attoseconds) / 1e18
        if total < 10 {
            let tenths = Int((Double(total) + fraction) * 10)
            return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
        }
        let h = total / 3600, m = (total % 3600) / 60, s = total % 60
        var parts: [String] = []
        if h > 0 { parts.append("\(h) h") }
        if m > 0 { parts.append("\(m) min") }
        if s > 0 && h == 0 { parts.append("\(s) s") }
        return parts.joined(separator: " ")
    }
}
