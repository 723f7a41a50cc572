import AnonymousSummary
import Foundation

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
    private let configuration: TelemetryConfiguration
    private let usage: ComponentUsage
    /// In LDP mode, the one draw of this process: every payload repeats its bits.
    public nonisolated let ldpReport: LDPReport?
    private let id: InstanceID
    private let clock: C
    private let makeTransport: @Sendable () -> any TelemetryTransport
    private let log: (@Sendable (String) -> Void)?
    private let randomFraction: @Sendable () -> Double
    private var task: Task<Void, Never>?
    private var uploader: DAPUploader?

    /// - Parameters:
    ///   - status: the decision (`TelemetryStatus.decide`); when off, the sender does nothing.
    ///   - usage: the summary of the host's config.
    ///   - id: this process's instance id (random by default; never derived from the host). In
    ///     LDP mode with a secret, the id derived from the secret is used instead.
    ///   - transport: how payloads leave; by default an HTTP POST to the endpoint, or standard
    ///     error in debug mode. Made only when the sender starts enabled.
    ///   - log: where errors and sends are reported, if anywhere.
    ///   - randomFraction: the jitter source, a value in 0..<1: the system CSPRNG by default
    ///     (injectable for tests).
    public init(configuration: TelemetryConfiguration, status: TelemetryStatus, usage: ComponentUsage,
                id: InstanceID = .random(), clock: C,
                transport: (@Sendable () -> any TelemetryTransport)? = nil,
                log: (@Sendable (String) -> Void)? = nil,
                randomFraction: @escaping @Sendable () -> Double = TelemetrySchedule.systemRandomFraction) {
        self.configuration = configuration
        self.status = status
        self.usage = usage
        if let mechanism = configuration.privacy.mechanism, status.isEnabled, case .ldp(_, let secret) = configuration.privacy {
            ldpReport = LDPReport(usage: usage, mechanism: mechanism, secret: secret)
        } else {
            ldpReport = nil
        }
        // With a persistent secret the deployment's id is derived from it (see LDPSecret.instanceID).
        if case .ldp(_, let secret?) = configuration.privacy {
            self.id = secret.instanceID
        } else {
            self.id = id
        }
        self.clock = clock
        self.log = log
        self.randomFraction = randomFraction
        if let transport {
            self.makeTransport = transport
        } else if status.destination == .standardError {
            self.makeTransport = { StandardErrorTransport() }
        } else {
            let endpoint = configuration.endpoint
            let userAgent = configuration.userAgent
            let timeout = configuration.requestTimeout
            self.makeTransport = {
                guard let endpoint else { return NoTransport() }
                return URLSessionTransport(endpoint: endpoint, userAgent: userAgent, timeout: timeout)
            }
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
        while !Task.isCancelled {
            do { try await clock.sleep(until: next, tolerance: nil) } catch { return }
            let sentAt = clock.now
            if await send(started: started, offset: offset, transport: transport) == false, !Task.isCancelled {
                // One retry in this period, after a jittered delay well inside it.
                let base = min(configuration.period / 24, .seconds(3600))
                let retryAt = clock.now.advanced(by: base + base * randomFraction())
                if retryAt < next.advanced(by: configuration.period) {
                    do { try await clock.sleep(until: retryAt, tolerance: nil) } catch { return }
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

    /// One delivery; false if it failed.
    private func send(started: C.Instant, offset: Int64, transport: any TelemetryTransport) async -> Bool {
        if let dap = configuration.dap, status.destination != .standardError {
            // Secret-shared aggregation: a fresh report of the usage, at each send.
            let uploader = self.uploader ?? DAPUploader(task: dap, userAgent: configuration.userAgent, timeout: configuration.requestTimeout)
            self.uploader = uploader
            do {
                let size = try await uploader.upload(usage)
                log?("telemetry: uploaded a DAP report (\(size) bytes) to \(dap.leader.absoluteString)")
                return true
            } catch {
                log?("telemetry: send failed: \(error)")
                return false
            }
        }
        let uptime = started.duration(to: clock.now).components.seconds
        // Whole hours (still a number of seconds: 3,725 s goes as 3,600), shifted by the
        // process's secret offset, so that arrival time minus uptime does not give the start time.
        let seconds = TelemetrySchedule.reportedUptime(seconds: uptime &+ offset)
        let payload = ldpReport.map { $0.summary(id: id, uptimeSeconds: seconds).jsonBytes() }
            ?? Summary(id: id, uptimeSeconds: seconds, usage: usage).jsonBytes()
        do {
            try await transport.deliver(payload)
            let verb = status.destination == .standardError ? "wrote" : "sent"
            log?("telemetry: \(verb) \(payload.count) bytes (uptime \(uptime) s, reported as \(seconds) s)")
            return true
        } catch {
            log?("telemetry: send failed: \(error)")
            return false
        }
    }
}

extension TelemetrySender where C == ContinuousClock {
    /// A sender on the monotonic clock.
    public init(configuration: TelemetryConfiguration, status: TelemetryStatus, usage: ComponentUsage,
                id: InstanceID = .random(), log: (@Sendable (String) -> Void)? = nil) {
        self.init(configuration: configuration, status: status, usage: usage, id: id, clock: ContinuousClock(), log: log)
    }
}

/// Used only if an enabled status somehow has no endpoint: delivers nothing.
struct NoTransport: TelemetryTransport {
    func deliver(_ payload: [UInt8]) async throws {
        throw TelemetryDeliveryError(description: "no endpoint is configured")
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
