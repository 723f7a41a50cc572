import AnonymousSummary
import DAP
import Foundation
import Primitives
import TelemetryDAP
import TelemetrySender
import XCTest

/// At most one report of a process in each batch window (a DAP task's time precision), on the
/// real sender with a virtual clock: sends are 23–25 h apart, so without the rule a one-day
/// window sometimes held two reports of one process; a retry sends the same report again.
final class BatchWindowTests: XCTestCase {
    let usage = make { try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\n".utf8))]) }

    /// A secret-shared mode that records each send's window and makes a "report" (a number) only
    /// when the window is new, as DAPTelemetry does; it fails one send in five.
    final class Recorder: SecretSharedTelemetry, @unchecked Sendable {
        let window: Int64
        let lock = NSLock()
        var reports: [(window: Int64, report: Int, delivered: Bool)] = []
        var last: (window: Int64, report: Int)?
        var counter = 0
        var g: SplitMix64
        init(window: Int64, seed: UInt64) { self.window = window; g = SplitMix64(seed: seed) }
        var description: String { "recorder" }
        var destination: String { "nowhere" }
        var batchWindow: Duration? { .seconds(window) }
        func preview(_ input: TelemetryInput) throws -> [UInt8] { [] }
        func send(_ input: TelemetryInput, via transport: any TelemetryTransport) async throws -> String {
            try lock.withLock {
                let w = input.unixTime / window
                let report: Int
                if let last, last.window == w { report = last.report } else { counter += 1; report = counter }
                last = (w, report)
                let lost = g.next() % 5 == 0  // lost: the retry must send the same report
                reports.append((w, report, !lost))
                if lost { throw SpyTransport.SpyError() }
            }
            return "sent"
        }
    }

    func testAtMostOneReportOfAProcessInEachWindowOverThousandsOfProcessDays() async throws {
        let processes = 40, days = 100, window: Int64 = 86_400
        let clock = TestClock()
        var recorders: [Recorder] = []
        var senders: [TelemetrySender<TestClock>] = []
        var g = SplitMix64(seed: 20_261_203)
        for p in 0..<processes {
            let recorder = Recorder(window: window, seed: UInt64(p))
            let configuration = try TelemetryConfiguration(endpoint: nil, userAgent: "test/1", mode: .secretShared(recorder))
            let draws = Draw(seed: g.next())
            let sender = TelemetrySender(configuration: configuration, status: TelemetryStatus(destination: .endpoint, decidedBy: .configured),
                                         usage: usage, clock: clock, transport: { SpyTransport() },
                                         randomFraction: { draws.fraction() },
                                         wallTime: 1_796_000_000 + Int64(g.next() % UInt64(window)))
            await sender.start()
            recorders.append(recorder)
            senders.append(sender)
        }
        let end = Duration.seconds(Int64(days) * window)
        while clock.now.offset < end {
            let asleep = await clock.waitForSleepers(processes)
            XCTAssertTrue(asleep)
            guard let next = clock.deadlines.first else { break }
            clock.advance(by: max(next - clock.now.offset, .seconds(1)))
        }
        for s in senders { await s.stop() }
        var processDays = 0, windowsWithTwo = 0, windowsDeliveredTwice = 0, resentSame = 0
        for r in recorders {
            var perWindow: [Int64: Set<Int>] = [:]
            var delivered: [Int64: Int] = [:]
            for (w, report, ok) in r.reports {
                perWindow[w, default: []].insert(report)
                if ok { delivered[w, default: 0] += 1 }
            }
            processDays += perWindow.count
            windowsWithTwo += perWindow.values.filter { $0.count > 1 }.count
            windowsDeliveredTwice += delivered.values.filter { $0 > 1 }.count
            resentSame += r.reports.count - Set(r.reports.map(\.report)).count
        }
        print("batch windows: \(processes) processes, \(days) days: \(processDays) process-windows with a report, "
              + "\(windowsWithTwo) with two reports, \(windowsDeliveredTwice) with two deliveries; \(resentSame) retries sent the same report")
        XCTAssertGreaterThan(processDays, processes * days * 8 / 10, "nearly a report a day")
        XCTAssertEqual(windowsWithTwo, 0, "two reports of one process in a window")
        XCTAssertEqual(windowsDeliveredTwice, 0, "the schedule put two sends of one process in a window")
        XCTAssertGreaterThan(resentSame, 0, "retries happened and resent the same report")
    }
}

/// A seeded source of fractions in [0, 1) for a sender's jitter.
final class Draw: @unchecked Sendable {
    private let lock = NSLock()
    private var g: SplitMix64
    init(seed: UInt64) { g = SplitMix64(seed: seed) }
    func fraction() -> Double { lock.withLock { Double(g.next() >> 11) * 0x1p-53 } }
}
