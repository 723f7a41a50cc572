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

/// The schedule, on a virtual clock: days of it in milliseconds.
final class TelemetrySchedulingTests: XCTestCase {
    let usage: ComponentUsage = {
        let yaml = Array("input: {generate: {mapping: root = 1}}\noutput: {aws_s3: {bucket: b}}\n".utf8)
        return (try? Summariser().usage(of: [ConfigSource(yaml)])) ?? ComponentUsage()
    }()
    let id = InstanceID(parsing: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")!
    /// Without jitter, so that the schedule's moments are exact (the jitter has tests of its own).
    let configuration = make { try TelemetryConfiguration(endpoint: URL(string: "http://127.0.0.1:9/none"),
                                                           initialJitter: .zero, periodJitter: .zero, userAgent: "test/1") }
    let on = TelemetryStatus(destination: .endpoint, decidedBy: .configured)

    func payload(uptime: UInt64) -> [UInt8] { Summary(id: id, uptimeSeconds: uptime, usage: usage).jsonBytes() }

    func testFirstSendAfterTheInitialDelayThenEveryPeriodWithTheUptimeOfThatMoment() async {
        let clock = TestClock()
        let spy = SpyTransport()
        let sender = TelemetrySender(configuration: configuration, status: on, usage: usage, id: id, clock: clock, transport: { spy }, randomFraction: { 0 })
        await sender.start()
        let sleeping = await clock.waitForSleepers(1)
        XCTAssertTrue(sleeping)
        clock.advance(by: .seconds(299))
        try? await Task.sleep(nanoseconds: 20_000_000)
        XCTAssertEqual(spy.attempts, 0, "nothing before five minutes of uptime")
        clock.advance(by: .seconds(1))
        let first = await eventually { spy.payloads.count == 1 }
        XCTAssertTrue(first)
        XCTAssertEqual(spy.payloads.first, payload(uptime: 0), "the encoder's bytes, uptime 300 s sent as 0 (whole hours)")
        for day in 1...3 {
            let waiting = await clock.waitForSleepers(1)
            XCTAssertTrue(waiting)
            clock.advance(by: .seconds(86_399))
            try? await Task.sleep(nanoseconds: 5_000_000)
            XCTAssertEqual(spy.payloads.count, day, "nothing before the period is over")
            clock.advance(by: .seconds(1))
            let sent = await eventually { spy.payloads.count == day + 1 }
            XCTAssertTrue(sent)
            XCTAssertEqual(spy.payloads.last, payload(uptime: UInt64(day * 86_400)), "uptime \(300 + day * 86_400) s, whole hours")
        }
        await sender.stop()
        let running = await sender.isRunning
        XCTAssertFalse(running)
        clock.advance(by: .seconds(10 * 86_400))
        try? await Task.sleep(nanoseconds: 20_000_000)
        XCTAssertEqual(spy.attempts, 4, "stop() ends the schedule")
        XCTAssertEqual(clock.sleeperCount, 0)
    }

    func testAFailedSendIsRetriedOncePerPeriodWithJitter() async {
        let clock = TestClock()
        let spy = SpyTransport(failing: 1_000)
        let log = LogLines()
        let sender = TelemetrySender(configuration: configuration, status: on, usage: usage, id: id, clock: clock,
                                     transport: { spy }, log: { log.append($0) }, randomFraction: { 0.5 })
        await sender.start()
        var waiting = await clock.waitForSleepers(1)
        XCTAssertTrue(waiting)
        clock.advance(by: .seconds(300))
        var tried = await eventually { spy.attempts == 1 }
        XCTAssertTrue(tried)
        // The retry waits an hour plus jitter (half an hour at 0.5), inside the period.
        waiting = await clock.waitForSleepers(1)
        XCTAssertTrue(waiting)
        clock.advance(by: .seconds(5_399))
        try? await Task.sleep(nanoseconds: 10_000_000)
        XCTAssertEqual(spy.attempts, 1)
        clock.advance(by: .seconds(1))
        tried = await eventually { spy.attempts == 2 }
        XCTAssertTrue(tried)
        // Then nothing until the next period, however long it keeps failing.
        for day in 1...5 {
            waiting = await clock.waitForSleepers(1)
            XCTAssertTrue(waiting)
            clock.advance(by: .seconds(86_400 - 5_400))
            tried = await eventually { spy.attempts == 2 * day + 1 }
            XCTAssertTrue(tried)
            waiting = await clock.waitForSleepers(1)
            XCTAssertTrue(waiting)
            clock.advance(by: .seconds(5_400))
            tried = await eventually { spy.attempts == 2 * day + 2 }
            XCTAssertTrue(tried)
        }
        XCTAssertEqual(spy.attempts, 12, "two attempts per period, never more")
        // The transport counts an attempt before the sender logs its failure: wait for the line.
        let logged = await eventually { log.lines.filter { $0.contains("send failed") }.count >= 12 }
        XCTAssertTrue(logged, "\(log.lines)")
        XCTAssertEqual(log.lines.filter { $0.contains("send failed") }.count, 12)
        await sender.stop()
    }

    /// A thousand periods, half of them failing: one timer at a time, one or two attempts per
    /// period, nothing kept from one period to the next (the transport keeps only a count).
    func testAThousandPeriodsKeepOneTimerAndBoundedAttempts() async {
        final class Counting: TelemetryTransport, @unchecked Sendable {
            let lock = NSLock()
            var calls = 0
            func send(_ request: TelemetryRequest) async throws -> TelemetryResponse {
                let n = lock.withLock { calls += 1; return calls }
                if n % 3 == 1 { throw SpyTransport.SpyError() }  // every first send of a pair fails
                return TelemetryResponse(status: 200)
            }
        }
        let clock = TestClock()
        let counting = Counting()
        let sender = TelemetrySender(configuration: configuration, status: on, usage: usage, id: id, clock: clock,
                                     transport: { counting }, randomFraction: { 0.25 })
        await sender.start()
        for _ in 0..<1000 {
            let one = await clock.waitForSleepers(1)
            XCTAssertTrue(one)
            XCTAssertEqual(clock.sleeperCount, 1, "one timer at a time")
            clock.advance(by: .seconds(86_400))
        }
        await sender.stop()
        let calls = counting.lock.withLock { counting.calls }
        XCTAssertGreaterThanOrEqual(calls, 999)
        XCTAssertLessThanOrEqual(calls, 2 * 1000, "at most one retry per period")
        XCTAssertEqual(clock.sleeperCount, 0)
    }

    /// With the default jitter: the first send at initialDelay + u·1 h, each later one 24 h − 1 h +
    /// 2u·1 h after the one before, u from the sender's random source; uptime in whole hours.
    func testTheFirstSendIsInARandomHourAfterFiveMinutesAndLaterOnesDriftByUpToAnHour() async {
        let jittered = make { try TelemetryConfiguration(endpoint: URL(string: "http://127.0.0.1:9/none"), userAgent: "test/1") }
        let clock = TestClock()
        let spy = SpyTransport()
        let draws = Draws([0.0, 0.25, 0.75, 0.0])  // the uptime offset, the first delay, then gaps
        let sender = TelemetrySender(configuration: jittered, status: on, usage: usage, id: id, clock: clock,
                                     transport: { spy }, randomFraction: { draws.next() })
        await sender.start()
        var waiting = await clock.waitForSleepers(1)
        XCTAssertTrue(waiting)
        XCTAssertEqual(clock.deadlines, [.seconds(300 + 900)], "5 min + 0.25 h")
        clock.advance(by: .seconds(1_199))
        try? await Task.sleep(nanoseconds: 10_000_000)
        XCTAssertEqual(spy.attempts, 0)
        clock.advance(by: .seconds(1))
        var sent = await eventually { spy.payloads.count == 1 }
        XCTAssertTrue(sent)
        XCTAssertEqual(spy.payloads.last, payload(uptime: 0), "1,200 s of uptime is reported as 0 h")
        waiting = await clock.waitForSleepers(1)
        XCTAssertTrue(waiting)
        XCTAssertEqual(clock.deadlines, [.seconds(1_200 + 86_400 - 3_600 + 5_400)], "24 h − 1 h + 0.75 · 2 h")
        clock.advance(by: .seconds(88_200))
        sent = await eventually { spy.payloads.count == 2 }
        XCTAssertTrue(sent)
        XCTAssertEqual(spy.payloads.last, payload(uptime: 86_400), "89,400 s is reported as 24 h")
        waiting = await clock.waitForSleepers(1)
        XCTAssertTrue(waiting)
        XCTAssertEqual(clock.deadlines, [.seconds(89_400 + 86_400 - 3_600)], "24 h − 1 h at u = 0")
        await sender.stop()
    }

    /// The reported uptime is shifted by the process's secret offset before it is rounded to
    /// the hour: 300 s with an offset of 0.95 h goes as 3,600, so arrival minus uptime is the
    /// start time minus the offset, which the collector does not know.
    func testTheReportedUptimeIsShiftedByASecretOffset() async {
        let clock = TestClock()
        let spy = SpyTransport()
        let draws = Draws([0.95, 0.0])
        let sender = TelemetrySender(configuration: configuration, status: on, usage: usage, id: id, clock: clock,
                                     transport: { spy }, randomFraction: { draws.next() })
        await sender.start()
        let waiting = await clock.waitForSleepers(1)
        XCTAssertTrue(waiting)
        clock.advance(by: .seconds(300))
        let sent = await eventually { spy.payloads.count == 1 }
        XCTAssertTrue(sent)
        XCTAssertEqual(spy.payloads.first, payload(uptime: 3_600), "300 s + 3,420 s of offset, in whole hours")
        await sender.stop()
    }

    /// The bounds, over the whole range of the random source, and the source itself.
    func testTheJitterStaysInItsBoundsAndComesFromTheSystemGenerator() {
        let plan = TelemetrySchedule(make { try TelemetryConfiguration(endpoint: nil, userAgent: "t") })
        var fractions: [Double] = [0, 0.5, 1.0.nextDown]
        for _ in 0..<10_000 { fractions.append(TelemetrySchedule.systemRandomFraction()) }
        for u in fractions {
            XCTAssertTrue(u >= 0 && u < 1)
            XCTAssertTrue(plan.initialDelay(u) >= .seconds(300) && plan.initialDelay(u) < .seconds(3_900), "\(u)")
            XCTAssertTrue(plan.nextGap(u) >= .seconds(82_800) && plan.nextGap(u) < .seconds(90_000), "\(u)")
        }
        // Spread over the hour, not bunched: each tenth of it gets some of the 10,000 draws.
        var tenths = [Int](repeating: 0, count: 10)
        for u in fractions.dropFirst(3) { tenths[Int(u * 10)] += 1 }
        XCTAssertTrue(tenths.allSatisfy { $0 > 850 && $0 < 1_150 }, "\(tenths)")
        XCTAssertEqual(TelemetrySchedule.reportedUptime(seconds: 3_725), 3_600)
        XCTAssertEqual(TelemetrySchedule.reportedUptime(seconds: 3_599), 0)
        XCTAssertEqual(TelemetrySchedule.reportedUptime(seconds: -5), 0)
        // A jitter of more than half the period is held to half.
        let wide = TelemetrySchedule(make { try TelemetryConfiguration(endpoint: nil, period: .seconds(100), periodJitter: .seconds(80), userAgent: "t") })
        XCTAssertEqual(wide.nextGap(0), .seconds(50))
    }

    /// Two processes started at the same moment (same clock) do not send at the same moment:
    /// each draws its own jitter from the system CSPRNG.
    func testTwoProcessesStartedTogetherDoNotSendTogether() async {
        let jittered = make { try TelemetryConfiguration(endpoint: URL(string: "http://127.0.0.1:9/none"), userAgent: "test/1") }
        let clock = TestClock()
        let spies = [SpyTransport(), SpyTransport()]
        let senders = spies.map { spy in
            TelemetrySender(configuration: jittered, status: on, usage: usage, id: id, clock: clock, transport: { spy })
        }
        for sender in senders { await sender.start() }
        let waiting = await clock.waitForSleepers(2)
        XCTAssertTrue(waiting)
        let firsts = clock.deadlines
        XCTAssertEqual(firsts.count, 2)
        XCTAssertNotEqual(firsts[0], firsts[1], "both would send at t+\(firsts[0])")
        for first in firsts { XCTAssertTrue(first >= .seconds(300) && first <= .seconds(3_900), "\(first)") }
        // At the first one's moment, only one has sent.
        clock.advance(by: firsts[0])
        let one = await eventually { spies.map(\.attempts).reduce(0, +) == 1 }
        XCTAssertTrue(one)
        try? await Task.sleep(nanoseconds: 20_000_000)
        XCTAssertEqual(spies.map(\.attempts).reduce(0, +), 1)
        for sender in senders { await sender.stop() }
    }

    /// A config with no component sends nothing (and says so), unless the host asks.
    func testAnEmptyUsageSendsNothingUnlessTheHostAsks() async {
        for asks in [false, true] {
            var c = configuration
            c.sendsEmptyPayloads = asks
            let clock = TestClock()
            let spy = SpyTransport()
            let log = LogLines()
            let sender = TelemetrySender(configuration: c, status: on, usage: ComponentUsage(), id: id, clock: clock,
                                         transport: { spy }, log: { log.append($0) }, randomFraction: { 0 })
            await sender.start()
            if asks {
                let waiting = await clock.waitForSleepers(1)
                XCTAssertTrue(waiting)
                clock.advance(by: .seconds(300))
                let sent = await eventually { spy.payloads.count == 1 }
                XCTAssertTrue(sent)
            } else {
                let said = await eventually { log.lines.contains { $0.contains("no component: nothing will be sent") } }
                XCTAssertTrue(said, "\(log.lines)")
                clock.advance(by: .seconds(10 * 86_400))
                try? await Task.sleep(nanoseconds: 20_000_000)
                XCTAssertEqual(spy.attempts, 0)
                XCTAssertEqual(clock.sleeperCount, 0)
            }
            await sender.stop()
        }
    }

    /// A host suspended for a week sends once when it wakes, not seven times to catch up.
    func testAfterALongPauseOneSendNotABurst() async {
        let clock = TestClock()
        let spy = SpyTransport()
        let sender = TelemetrySender(configuration: configuration, status: on, usage: usage, id: id, clock: clock, transport: { spy }, randomFraction: { 0 })
        await sender.start()
        var waiting = await clock.waitForSleepers(1)
        XCTAssertTrue(waiting)
        clock.advance(by: .seconds(300))
        var sent = await eventually { spy.payloads.count == 1 }
        XCTAssertTrue(sent)
        waiting = await clock.waitForSleepers(1)
        XCTAssertTrue(waiting)
        clock.advance(by: .seconds(7 * 86_400 + 60))
        sent = await eventually { spy.payloads.count == 2 }
        XCTAssertTrue(sent)
        waiting = await clock.waitForSleepers(1)
        XCTAssertTrue(waiting)
        try? await Task.sleep(nanoseconds: 20_000_000)
        XCTAssertEqual(spy.attempts, 2, "one send for the missed week, then back on schedule")
        // The next send is a whole period after the catch-up send, not the old phase's moment
        // a minute later: at least period − periodJitter between two sends.
        clock.advance(by: .seconds(86_400 - 1))
        try? await Task.sleep(nanoseconds: 10_000_000)
        XCTAssertEqual(spy.attempts, 2)
        clock.advance(by: .seconds(1))
        sent = await eventually { spy.payloads.count == 3 }
        XCTAssertTrue(sent)
        XCTAssertEqual(spy.payloads.last, payload(uptime: 8 * 86_400), "uptime 8 days and 6 minutes, in whole hours")
        await sender.stop()
    }

    func testEveryOptOutMeansNoTaskNoTransportAndNoSend() async {
        var noEndpoint = configuration
        noEndpoint.endpoint = nil
        let cases: [(TelemetryConfiguration, [String], [String: String])] = [
            (configuration, ["--disable-telemetry"], [:]),
            (make { try TelemetryConfiguration(endpoint: configuration.endpoint, userAgent: "t", hostVariable: "H_T") }, [], ["H_T": "off"]),
            (configuration, [], ["DO_NOT_TRACK": "1"]),
            (noEndpoint, [], [:]),
        ]
        for (config, arguments, environment) in cases {
            let status = TelemetryStatus.decide(arguments: arguments, environment: environment, configuration: config)
            XCTAssertFalse(status.isEnabled)
            let clock = TestClock()
            let made = LogLines()
            let sender = TelemetrySender(configuration: config, status: status, usage: usage, id: id, clock: clock,
                                         transport: { made.append("made"); return SpyTransport() })
            await sender.start()
            let running = await sender.isRunning
            XCTAssertFalse(running, "\(status)")
            clock.advance(by: .seconds(30 * 86_400))
            try? await Task.sleep(nanoseconds: 10_000_000)
            XCTAssertEqual(made.lines, [], "no transport is made when \(status)")
            XCTAssertEqual(clock.sleeperCount, 0, "no timer when \(status)")
        }
    }
}

/// A fixed sequence of random fractions (the last repeats).
final class Draws: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double]
    init(_ values: [Double]) { self.values = values }
    func next() -> Double {
        lock.withLock { values.count > 1 ? values.removeFirst() : values[0] }
    }
}
