import Primitives
import Foundation
import SummaryChecks
import XCTest

/// Runs a property over generated values, shrinks a failure, and reports it with the seed and
/// the command that replays it.
struct Property<Value> {
    /// What a property says of one value: nil when it holds, else why not.
    typealias Check = (Value) -> String?

    struct Failure {
        var seed: UInt64
        var caseIndex: Int
        var choices: [UInt64]
        var value: Value
        var message: String
        var shrinkSteps: Int
    }

    struct Outcome {
        var cases: Int
        var seconds: Double
        var failure: Failure?
    }

    let name: String
    let gen: Gen<Value>
    let check: Check

    /// The run's seed: `PROPERTY_SEED`, or a fresh random one.
    static var seed: UInt64 {
        if let text = ProcessInfo.processInfo.environment["PROPERTY_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 0...UInt64.max)
    }

    /// `PROPERTY_ITERATIONS` times `scale` when set (a deep run), else `defaultCount`.
    static func iterations(default defaultCount: Int) -> Int {
        if let text = ProcessInfo.processInfo.environment["PROPERTY_ITERATIONS"], let n = Int(text), n > 0 { return n }
        return defaultCount
    }

    /// Runs `iterations` cases from `seed`; on the first failure, shrinks it.
    func run(seed: UInt64, iterations: Int, observe: ((Value) -> Void)? = nil) -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        var mixer = SplitMix64(seed: seed)
        for i in 0..<iterations {
            let source = ChoiceSource(seed: mixer.next())
            let value = gen.run(source)
            if source.overrun { continue }
            observe?(value)
            if let message = check(value) {
                let failure = shrink(Failure(seed: seed, caseIndex: i, choices: source.choices, value: value,
                                             message: message, shrinkSteps: 0))
                return Outcome(cases: i + 1, seconds: Self.seconds(clock.now - start), failure: failure)
            }
        }
        return Outcome(cases: iterations, seconds: Self.seconds(clock.now - start), failure: nil)
    }

    /// Replays `choices`; the failure they give, if they still fail.
    private func attempt(_ choices: [UInt64], from failure: Failure) -> Failure? {
        let source = ChoiceSource(replaying: choices)
        let value = gen.run(source)
        if source.overrun { return nil }
        guard let message = check(value) else { return nil }
        var smaller = failure
        smaller.choices = source.choices
        smaller.value = value
        smaller.message = message
        smaller.shrinkSteps += 1
        return smaller
    }

    /// Hypothesis-style shrinking of the choice sequence: delete spans, zero spans, lower
    /// single values; keep any edit that still fails and is simpler (shorter, or smaller
    /// sequence in shortlex order); repeat until nothing helps or the budget is spent.
    func shrink(_ initial: Failure, budget: Int = 4000) -> Failure {
        var best = initial
        var tries = 0
        func simpler(_ a: [UInt64], _ b: [UInt64]) -> Bool {
            a.count != b.count ? a.count < b.count : a.lexicographicallyPrecedes(b)
        }
        func consider(_ candidate: [UInt64]) -> Bool {
            guard tries < budget, simpler(candidate, best.choices) else { return false }
            tries += 1
            if let f = attempt(candidate, from: best), simpler(f.choices, best.choices) {
                best = f
                return true
            }
            return false
        }
        var improved = true
        while improved && tries < budget {
            improved = false
            for size in [16, 8, 4, 2, 1] {
                var i = 0
                while i + size <= best.choices.count {
                    var c = best.choices
                    c.removeSubrange(i..<i + size)
                    if consider(c) { improved = true } else { i += 1 }
                }
            }
            for size in [8, 4, 2, 1] {
                var i = 0
                while i + size <= best.choices.count {
                    if best.choices[i..<i + size].contains(where: { $0 != 0 }) {
                        var c = best.choices
                        for k in i..<i + size { c[k] = 0 }
                        if consider(c) { improved = true }
                    }
                    i += 1
                }
            }
            var i = 0
            while i < best.choices.count {
                let v = best.choices[i]
                if v > 0 {
                    for lower in Set([v / 2, v - 1]) where lower < v {
                        var c = best.choices
                        c[i] = lower
                        if consider(c) { improved = true; break }
                    }
                }
                i += 1
            }
        }
        return best
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

extension XCTestCase {
    /// Runs `property` as part of this test: prints cases and time, and on failure fails the
    /// test with the seed, the replay command and the shrunk example (described by `show`).
    func check<Value>(_ property: Property<Value>, defaultIterations: Int,
                      show: (Value) -> String, observe: ((Value) -> Void)? = nil,
                      file: StaticString = #filePath, line: UInt = #line) {
        let seed = Property<Value>.seed
        let iterations = Property<Value>.iterations(default: defaultIterations)
        let outcome = property.run(seed: seed, iterations: iterations, observe: observe)
        print("property '\(property.name)': \(outcome.cases) cases in \(String(format: "%.2f", outcome.seconds)) s, seed \(seed)")
        if let failure = outcome.failure {
            let test = name.replacingOccurrences(of: "-[", with: "").replacingOccurrences(of: "]", with: "")
                .replacingOccurrences(of: " ", with: "/")
            XCTFail("""
                property '\(property.name)' failed at case \(failure.caseIndex + 1) of seed \(failure.seed): \(failure.message)
                replay: PROPERTY_SEED=\(failure.seed) swift test --disable-swift-testing --filter '\(test)'
                smallest example found (after \(failure.shrinkSteps) shrinks):
                \(show(failure.value))
                """, file: file, line: line)
        }
    }
}
