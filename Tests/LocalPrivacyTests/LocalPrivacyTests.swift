import LocalPrivacy
import Primitives
import TestSupport
import AnonymousSummary
import SummaryChecks
import XCTest

/// The LDP mechanism: the probabilities and the privacy loss read from the implementation, the
/// empirical rates of its draws, memoisation.
final class LocalPrivacyTests: XCTestCase {
    func testExpIsAccurate() {
        let cases: [(Double, Double)] = [(0, 1), (1, 2.718281828459045), (-1, 0.36787944117144233),
                                         (1.0986122886681098, 3.0000000000000004), (0.5, 1.6487212707001282),
                                         (10, 22026.465794806718), (-20, 2.061153622438558e-09), (2, 7.38905609893065)]
        for (x, want) in cases {
            XCTAssertEqual(Elementary.exp(x), want, accuracy: abs(want) * 2e-15, "exp(\(x))")
        }
    }

    /// The guarantee, from the implementation's own probabilities: for every ε, each reported
    /// bit's probability differs between the two true values by at most e^ε, and OUE's defining
    /// ratio p(1-q) / (q(1-p)) is e^ε.
    func testThePrivacyLossOfEveryBitIsAtMostEpsilon() throws {
        for epsilon in [0.01, 0.5, 1, OptimizedUnaryEncoding.defaultEpsilon, 2, 4, 8, 10] {
            let m = try XCTUnwrap(OptimizedUnaryEncoding(epsilon: epsilon))
            let bound = Elementary.exp(epsilon) * (1 + 1e-12)
            for output in [true, false] {
                let given1 = output ? m.probabilityOfOne(given: true) : 1 - m.probabilityOfOne(given: true)
                let given0 = output ? m.probabilityOfOne(given: false) : 1 - m.probabilityOfOne(given: false)
                XCTAssertLessThanOrEqual(given1 / given0, bound, "ε \(epsilon), output \(output)")
                XCTAssertLessThanOrEqual(given0 / given1, bound, "ε \(epsilon), output \(output)")
            }
            XCTAssertLessThanOrEqual(m.maxLikelihoodRatio, bound)
            // The add/remove bound the docs state: (e^ε + 1) / 2, exactly p / q.
            XCTAssertEqual(m.maxLikelihoodRatio, (Elementary.exp(epsilon) + 1) / 2, accuracy: Elementary.exp(epsilon) * 1e-12)
            XCTAssertEqual(m.p * (1 - m.q) / (m.q * (1 - m.p)), Elementary.exp(epsilon), accuracy: Elementary.exp(epsilon) * 1e-12)
            XCTAssertEqual(m.p, 0.5)
        }
        XCTAssertNil(OptimizedUnaryEncoding(epsilon: 0))
        XCTAssertNil(OptimizedUnaryEncoding(epsilon: -1))
        XCTAssertNil(OptimizedUnaryEncoding(epsilon: 10.5))
        XCTAssertNil(OptimizedUnaryEncoding(epsilon: .nan))
    }

    /// Whole payloads of neighbouring configs (one plugin more): the probability of any reported
    /// vector, computed from the implementation's per-bit probabilities, differs at most by e^ε;
    /// for configs m bits apart, by at most e^(mε).
    func testNeighbouringConfigsGiveEveryPayloadAtMostEToTheEpsilonTimesTheProbability() throws {
        let m = try XCTUnwrap(OptimizedUnaryEncoding(epsilon: OptimizedUnaryEncoding.defaultEpsilon))
        var generator = SplitMix64(seed: 7)
        let layout = ComponentCatalog.benthos.pluginLayout
        let width = layout.width
        func logProbability(_ output: [Bool], given truth: [Bool]) -> Double {
            // Sum of per-bit log-ratios against q, kept as a product of small factors to stay finite.
            var ratio = 1.0
            for i in 0..<width {
                let one = m.probabilityOfOne(given: truth[i])
                let base = m.probabilityOfOne(given: false)
                ratio *= output[i] ? one / base : (1 - one) / (1 - base)
            }
            return ratio
        }
        for _ in 0..<200 {
            let truth = (0..<width).map { _ in generator.next() % 20 == 0 }
            let flips = Int(generator.next() % 3) + 1
            var other = truth
            for _ in 0..<flips { other[Int(generator.next() % UInt64(width))].toggle() }
            let distance = zip(truth, other).filter { $0 != $1 }.count
            let output = m.randomize(truth, layout: layout, secret: nil, using: &generator)
            let ratio = logProbability(output, given: truth) / logProbability(output, given: other)
            let bound = Elementary.exp(Double(distance) * m.epsilon) * (1 + 1e-9)
            XCTAssertLessThanOrEqual(ratio, bound)
            XCTAssertGreaterThanOrEqual(ratio, 1 / bound)
        }
    }

    /// Over 20,000 draws with a fixed seed, every bit is 1 at rate p when set and q when not,
    /// within 5 binomial standard deviations; and pairs of bits are independent (the rate of
    /// both equals the product of the rates, within 5 standard deviations).
    func testEveryBitsRateMatchesPAndQAndBitsAreIndependent() throws {
        let m = try XCTUnwrap(OptimizedUnaryEncoding(epsilon: OptimizedUnaryEncoding.defaultEpsilon))
        let layout = ComponentCatalog.benthos.pluginLayout
        let width = layout.width
        let truth = (0..<width).map { $0 % 3 == 0 }
        var generator = SplitMix64(seed: 2026)
        let draws = 20_000
        var ones = [Int](repeating: 0, count: width)
        let pairs = (0..<(width - 1)).map { ($0, $0 + 1) } + (0..<100).map { ($0, width - 1 - $0) }
        var both = [Int](repeating: 0, count: pairs.count)
        for _ in 0..<draws {
            let r = m.randomize(truth, layout: layout, secret: nil, using: &generator)
            for i in 0..<width where r[i] { ones[i] += 1 }
            for (k, (a, b)) in pairs.enumerated() where r[a] && r[b] { both[k] += 1 }
        }
        let n = Double(draws)
        for i in 0..<width {
            let rate = m.probabilityOfOne(given: truth[i])
            let sd = (n * rate * (1 - rate)).squareRoot()
            XCTAssertLessThan(abs(Double(ones[i]) - n * rate), 5 * sd, "bit \(i): \(ones[i]) ones in \(draws), expected \(n * rate)")
        }
        for (k, (a, b)) in pairs.enumerated() {
            let rate = m.probabilityOfOne(given: truth[a]) * m.probabilityOfOne(given: truth[b])
            let sd = (n * rate * (1 - rate)).squareRoot()
            XCTAssertLessThan(abs(Double(both[k]) - n * rate), 5 * sd, "bits \(a) and \(b) together \(both[k]) times")
        }
    }

    func testASecretMemoisesTheDrawPerBitAndTrueValue() throws {
        let m = try XCTUnwrap(OptimizedUnaryEncoding(epsilon: 1))
        let secret = try XCTUnwrap(LDPSecret(key: Array("a host's 32-byte persistent key!".utf8)))
        let other = try XCTUnwrap(LDPSecret(key: Array("another host's persistent key!!!".utf8)))
        XCTAssertNil(LDPSecret(key: Array("15 bytes only!!".utf8)))
        let layout = ComponentCatalog.benthos.pluginLayout
        let width = layout.width
        let truth = (0..<width).map { $0 % 7 == 0 }
        var g1 = SplitMix64(seed: 1), g2 = SplitMix64(seed: 2)
        let first = m.randomize(truth, layout: layout, secret: secret, using: &g1)
        XCTAssertEqual(m.randomize(truth, layout: layout, secret: secret, using: &g2), first, "a restart with the same secret and config")
        XCTAssertNotEqual(m.randomize(truth, layout: layout, secret: other, using: &g1), first)
        // One plugin more: only that bit's draw is new; the others repeat.
        var changed = truth
        changed[5].toggle()
        let after = m.randomize(changed, layout: layout, secret: secret, using: &g1)
        for i in 0..<width where i != 5 { XCTAssertEqual(after[i], first[i], "bit \(i)") }
        // Without a secret each process draws afresh.
        XCTAssertNotEqual(m.randomize(truth, layout: layout, secret: nil, using: &g1), m.randomize(truth, layout: layout, secret: nil, using: &g1))
    }

    func testSecretsAreReadAsHexAndKeyTheDrawByNameAndEpsilon() throws {
        let hex = "095ba291d98a87779edcfae4be1bdb3448af429a3a9859e7e87ee97e964c78ba"
        let secret = try XCTUnwrap(try LDPSecret(hex: hex + "\n"))
        XCTAssertEqual(try LDPSecret(hex: "  " + hex.uppercased() + "\r\n"), secret, "white space and case do not change the key")
        XCTAssertNil(try? LDPSecret(hex: String(hex.prefix(62))), "under 256 bits")
        XCTAssertNil(try? LDPSecret(hex: "correct horse battery staple, a passphrase"), "not hex")
        XCTAssertEqual(secret.instanceID, try XCTUnwrap(try LDPSecret(hex: hex)).instanceID, "one id per deployment")
        XCTAssertNotNil(InstanceID(parsing: secret.instanceID.description), "a version-4 UUID")
        // The draw follows the plugin's name: a catalogue with one more plugin (shifting every
        // position after it) gives the same bits for the same plugins.
        let m = try XCTUnwrap(OptimizedUnaryEncoding(epsilon: 1))
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\noutput: {stdout: {}}\n".utf8))])
        let small = ComponentCatalog.benthos
        let big = small.adding([.init(.input, "aaa_first_plugin")])
        var g = SplitMix64(seed: 3)
        let a = LDPReport(usage: usage, mechanism: m, secret: secret, catalog: small, using: &g)
        let b = LDPReport(usage: usage, mechanism: m, secret: secret, catalog: big, using: &g)
        for (i, name) in small.pluginLayout.plugins.enumerated() {
            XCTAssertEqual(a.reported[i], b.reported[try XCTUnwrap(big.pluginLayout.bit(of: name))], "\(name)")
        }
        // Another ε draws afresh.
        let other = LDPReport(usage: usage, mechanism: try XCTUnwrap(OptimizedUnaryEncoding(epsilon: 1.5)), secret: secret, catalog: small, using: &g)
        XCTAssertNotEqual(a.reported, other.reported)
    }

    /// The library's reader of secret files refuses, in words, every shape `anonymous-summary
    /// secret` would not write (hosts get the same refusal as the tool); a random 256-bit secret
    /// is refused with probability under 1.1e-13 (docs/ldp.md), so 10,000 fresh ones all pass.
    func testGuessableSecretFilesAreRefusedAndRandomOnesTaken() throws {
        for (hex, shape) in GuessableSecrets.all {
            XCTAssertThrowsError(try LDPSecret(hex: hex + "\n"), shape) { error in
                XCTAssertTrue("\(error)".contains("anonymous-summary secret"), "\(shape): \(error)")
            }
        }
        var g = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            let hex = (0..<4).map { _ in
                let word = String(g.next(), radix: 16)
                return String(repeating: "0", count: 16 - word.count) + word
            }.joined()
            XCTAssertNoThrow(try LDPSecret(hex: hex), hex)
        }
    }

    /// A bit's position survives writing and reading: bits 0 and the last, alone, in hex.
    func testTheFirstAndLastBitsAreWrittenWhereTheSchemaSays() throws {
        let layout = ComponentCatalog.benthos.pluginLayout
        var bits = [Bool](repeating: false, count: layout.width)
        bits[0] = true
        bits[layout.width - 1] = true
        let hex = LDPSummary.hex(bits)
        XCTAssertEqual(hex.count, 86)
        XCTAssertEqual(hex.first, "8", "bit 0 is the first digit's high bit")
        XCTAssertEqual(hex.last, "4", "bit 341 is the second bit of the last digit (342 = 85 * 4 + 2)")
        XCTAssertEqual(hex.dropFirst().dropLast(), Substring(String(repeating: "0", count: 84)))
        XCTAssertEqual(layout.label(ofBit: 0), "input/amqp_0_9")
        XCTAssertEqual(layout.label(ofBit: layout.width - 1), "unlisted/scanner")
    }

    func testTheLayoutCoversTheCatalogueAndItsFingerprintIsStable() throws {
        let layout = ComponentCatalog.benthos.pluginLayout
        XCTAssertEqual(layout.width, ComponentCatalog.benthos.allNames.count + 9)
        XCTAssertEqual(layout.fingerprint.count, 16)
        let bigger = ComponentCatalog.benthos.adding([.init(.input, "acme_widget")]).pluginLayout
        XCTAssertNotEqual(bigger.fingerprint, layout.fingerprint)
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\noutput: {acme: {}}\n".utf8))])
        let bits = layout.bits(of: usage)
        XCTAssertEqual(bits.enumerated().filter(\.element).map { layout.label(ofBit: $0.offset) }, ["input/kafka", "unlisted/output"])
    }

    func testTheCommittedLDPSchemaIsTheGeneratedOne() throws {
        let committed = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("schema/ldp-payload.schema.json"), encoding: .utf8)
        XCTAssertEqual(committed, ComponentCatalog.benthos.ldpPayloadSchemaJSON())
    }

    /// An LDP payload has one length whatever the uptime (it used to grow with its digits).
    func testLDPPayloadsHaveOneLengthWhateverTheUptime() throws {
        let id = try XCTUnwrap(InstanceID(parsing: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"))
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\noutput: {stdout: {}}\n".utf8))])
        let report = LDPReport(usage: usage, mechanism: try XCTUnwrap(OptimizedUnaryEncoding(epsilon: 1)), secret: nil)
        let lengths = Set([0, 3_600, 86_400, 31_536_000, 9_007_199_254_740_991].map { (uptime: UInt64) in
            report.summary(id: id, uptimeSeconds: uptime).jsonBytes().count
        })
        XCTAssertEqual(lengths.count, 1, "\(lengths)")
    }
}
