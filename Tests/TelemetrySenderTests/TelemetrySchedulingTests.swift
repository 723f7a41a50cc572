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
    let configuration = make { try TelemetryConfiguration(endpoint: URL(string: "http://127.0.0.1:9/none"), userAgent: "test/1") }
    let on = TelemetryStatus(destination: .endpoint, decidedBy: .configured)

    func payload(uptime: UInt64) -> [UInt8] { Summary(id: id, uptimeSeconds: uptime, usage: usage).jsonBytes() }

    func testFirstSendAfterTheInitialDelayThenEveryPeriodWithTheUptimeOfThatMoment() async {
        let clock = TestClock()
        let spy = SpyTransport()
        let sender = TelemetrySender(configuration: configuration, status: on, usage: usage, id: id, clock: clock, transport: { spy })
        await sender.start()
        let sleeping = await clock.waitForSleepers(1)
        XCTAssertTrue(sleeping)
        clock.advance(by: .seconds(299))
        try? await Task.sleep(nanoseconds: 20_000_000)
        XCTAssertEqual(spy.attempts, 0, "nothing before five minutes of uptime")
        clock.advance(by: .seconds(1))
        let first = await eventually { spy.payloads.count == 1 }
        XCTAssertTrue(first)
        XCTAssertEqual(spy.payloads.first, payload(uptime: 300), "the encoder's bytes, uptime 300 s")
        for day in 1...3 {
            let waiting = await clock.waitForSleepers(1)
            XCTAssertTrue(waiting)
            clock.advance(by: .seconds(86_399))
            try? await Task.sleep(nanoseconds: 5_000_000)
            XCTAssertEqual(spy.payloads.count, day, "nothing before the period is over")
            clock.advance(by: .seconds(1))
            let sent = await eventually { spy.payloads.count == day + 1 }
            XCTAssertTrue(sent)
            XCTAssertEqual(spy.payloads.last, payload(uptime: UInt64(300 + day * 86_400)))
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
        XCTAssertEqual(log.lines.filter { $0.contains("send failed") }.count, 12)
        await sender.stop()
    }

    /// A thousand periods, half of them failing: one timer at a time, one or two attempts per
    /// period, nothing kept from one period to the next (the transport keeps only a count).
    func testAThousandPeriodsKeepOneTimerAndBoundedAttempts() async {
        final class Counting: TelemetryTransport, @unchecked Sendable {
            let lock = NSLock()
            var calls = 0
            func deliver(_ payload: [UInt8]) async throws {
                let n = lock.withLock { calls += 1; return calls }
                if n % 3 == 1 { throw SpyTransport.SpyError() }  // every first send of a pair fails
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

    /// A host suspended for a week sends once when it wakes, not seven times to catch up.
    func testAfterALongPauseOneSendNotABurst() async {
        let clock = TestClock()
        let spy = SpyTransport()
        let sender = TelemetrySender(configuration: configuration, status: on, usage: usage, id: id, clock: clock, transport: { spy })
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
        // The schedule keeps its phase: next send at 300 s + 8 days.
        clock.advance(by: .seconds(86_400 - 60 - 1))
        try? await Task.sleep(nanoseconds: 10_000_000)
        XCTAssertEqual(spy.attempts, 2)
        clock.advance(by: .seconds(1))
        sent = await eventually { spy.payloads.count == 3 }
        XCTAssertTrue(sent)
        XCTAssertEqual(spy.payloads.last, payload(uptime: 300 + 8 * 86_400))
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
