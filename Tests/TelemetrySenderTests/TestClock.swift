import TelemetryDAP
import AnonymousSummary
import LocalPrivacy
import VDAF
import DAP
import HPKE
import UsageReport
import TestSupport
import Foundation
import TelemetrySender

/// A virtual clock: time moves only when a test calls `advance(by:)`, so days of schedule run
/// in milliseconds. Sleepers are resumed in deadline order; cancellation resumes them at once.
final class TestClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol, CustomStringConvertible {
        var offset: Duration
        func advanced(by d: Duration) -> Instant { Instant(offset: offset + d) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
        var description: String { "t+\(offset)" }
    }

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, Error>
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    private var sleepers: [Sleeper] = []
    private var nextID = 0
    private var cancelled: Set<Int> = []

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .zero }
    var sleeperCount: Int { lock.withLock { sleepers.count } }
    /// When each sleeper wakes, as offsets from the clock's start, earliest first.
    var deadlines: [Duration] { lock.withLock { sleepers.map(\.deadline.offset).sorted() } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = lock.withLock { () -> Int in nextID += 1; return nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                lock.lock()
                if cancelled.contains(id) {
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                } else if deadline <= current {
                    lock.unlock()
                    continuation.resume()
                } else {
                    sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    lock.unlock()
                }
            }
        } onCancel: {
            lock.lock()
            cancelled.insert(id)
            let index = sleepers.firstIndex { $0.id == id }
            let sleeper = index.map { sleepers.remove(at: $0) }
            lock.unlock()
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward, waking every sleeper whose deadline has come.
    func advance(by duration: Duration) {
        lock.lock()
        current = current.advanced(by: duration)
        let due = sleepers.filter { $0.deadline <= current }.sorted { $0.deadline < $1.deadline }
        sleepers.removeAll { $0.deadline <= current }
        lock.unlock()
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits (in real time, up to `eventuallyLimit`) until `count` tasks sleep on this clock.
    func waitForSleepers(_ count: Int) async -> Bool {
        await eventually { self.sleeperCount >= count }
    }
}

/// How long a test waits for an event before it gives up: a limit for a broken test, never a
/// duration a passing test depends on (it returns as soon as the event is seen), so it is long.
let eventuallyLimit: Double = 60

/// Polls `condition` in real time, up to `seconds`; true once it holds.
func eventually(_ seconds: Double = eventuallyLimit, _ condition: @escaping @Sendable () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: 2_000_000)
    }
    return condition()
}

/// A transport that records what it was given, and fails while told to.
final class SpyTransport: TelemetryTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var delivered: [[UInt8]] = []
    private var attemptsMade = 0
    private var failuresLeft: Int

    init(failing: Int = 0) { failuresLeft = failing }

    var payloads: [[UInt8]] { lock.withLock { delivered } }
    var attempts: Int { lock.withLock { attemptsMade } }

    func send(_ request: TelemetryRequest) async throws -> TelemetryResponse {
        let fail = lock.withLock { () -> Bool in
            attemptsMade += 1
            if failuresLeft > 0 { failuresLeft -= 1; return true }
            delivered.append(request.body)
            return false
        }
        if fail { throw SpyError() }
        return TelemetryResponse(status: 200)
    }

    struct SpyError: Error {}
}

/// Lines logged by a sender.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}

/// A value from a throwing initialiser that a test knows cannot fail (a test bug otherwise).
func make<T>(_ body: () throws -> T) -> T {
    do { return try body() } catch { preconditionFailure("test setup failed: \(error)") }
}

/// A value shared with a closure that runs on another task.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
