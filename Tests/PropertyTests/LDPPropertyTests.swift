import Primitives
import LocalPrivacy
import UsageReport
import TestSupport
import AnonymousSummary
import Foundation
import SummaryChecks
import XCTest

/// The anonymity properties hold in LDP mode too: no canary reaches the randomized payload,
/// user data and formatting never change it (given the same draw), and it is closed against
/// `schema/ldp-payload.schema.json`.
final class LDPPropertyTests: XCTestCase {
    static let mechanism = OptimizedUnaryEncoding(epsilon: OptimizedUnaryEncoding.defaultEpsilon)!

    /// Summarise, then randomize with a fixed draw (a seeded generator, the test-only seam).
    static func ldp(_ bytes: [UInt8]) throws -> [UInt8] {
        let usage = try Subjects.summariser.usage(of: [ConfigSource(bytes)])
        var generator = SplitMix64(seed: 42)
        let report = LDPReport(usage: usage, mechanism: mechanism, secret: nil, using: &generator)
        return report.summary(id: Subjects.id, uptimeSeconds: 42).jsonBytes()
    }

    /// The same with a persistent secret instead of a generator.
    static func ldpWithSecret(_ bytes: [UInt8]) throws -> [UInt8] {
        let usage = try Subjects.summariser.usage(of: [ConfigSource(bytes)])
        let report = LDPReport(usage: usage, mechanism: mechanism, secret: LDPSecret(key: Array("property-test secret, 32 bytes!!".utf8)))
        return report.summary(id: Subjects.id, uptimeSeconds: 42).jsonBytes()
    }

    func testNoCanaryEverReachesTheLDPPayload() {
        check(Property(name: "no canary (ldp)", gen: AnonymityPropertyTests.cases, check: AnonymityPropertyTests.noCanary(Self.ldp)),
              defaultIterations: 2000, show: AnonymityPropertyTests.show)
    }

    func testUserDataAndFormattingNeverChangeTheLDPPayloadUnderAFixedDraw() {
        check(Property(name: "non-interference (ldp, seeded)", gen: AnonymityPropertyTests.cases,
                       check: AnonymityPropertyTests.nonInterference(Self.ldp)),
              defaultIterations: 2000, show: AnonymityPropertyTests.show)
        check(Property(name: "non-interference (ldp, secret)", gen: AnonymityPropertyTests.cases,
                       check: AnonymityPropertyTests.nonInterference(Self.ldpWithSecret)),
              defaultIterations: 400, show: AnonymityPropertyTests.show)
    }

    func testEveryLDPPayloadIsClosed() throws {
        let validator = try SchemaValidator(schemaAt: SchemaValidator.ldpPayloadSchemaURL)
        let gen = Gen<(ConfigCase, UInt64, Double)> { source in
            let epsilons = [0.1, 0.5, 1, OptimizedUnaryEncoding.defaultEpsilon, 2, 4, 10]
            return (AnonymityPropertyTests.cases.run(source), source.draw(UInt64.max), epsilons[Int(source.draw(UInt64(epsilons.count)))])
        }
        check(Property(name: "closed output (ldp)", gen: gen, check: { value in
            let (c, seed, epsilon) = value
            do {
                let usage = try Subjects.summariser.usage(of: [ConfigSource(Array(c.text.utf8))])
                guard let mechanism = OptimizedUnaryEncoding(epsilon: epsilon) else { return "ε \(epsilon) refused" }
                var generator = SplitMix64(seed: seed)
                let payload = LDPReport(usage: usage, mechanism: mechanism, secret: nil, using: &generator)
                    .summary(id: .random(), uptimeSeconds: seed % 1_000_000).jsonBytes()
                if let violation = validator.violation(in: payload) { return "\(violation) in \(String(decoding: payload, as: UTF8.self))" }
                return nil
            } catch {
                return "refused: \(error)"
            }
        }), defaultIterations: 2000, show: { AnonymityPropertyTests.show($0.0) })
    }

    /// The harness can fail in LDP mode too: a randomizer that let the input's label choose a
    /// bit would be caught by non-interference.
    func testAnLDPPayloadThatDependsOnALabelIsCaught() {
        let leaky: Summarise = { bytes in
            let label = try Subjects.summariser.document(bytes)?["input"]?["label"]?.scalarValue ?? ""
            var generator = SplitMix64(seed: UInt64(label.utf8.count))
            let usage = try Subjects.summariser.usage(of: [ConfigSource(bytes)])
            return LDPReport(usage: usage, mechanism: Self.mechanism, secret: nil, using: &generator)
                .summary(id: Subjects.id, uptimeSeconds: 42).jsonBytes()
        }
        let outcome = Property(name: "non-interference (leaky ldp)", gen: AnonymityPropertyTests.cases,
                               check: AnonymityPropertyTests.nonInterference(leaky)).run(seed: 5, iterations: 3000)
        XCTAssertNotNil(outcome.failure, "a payload that depends on a label must be caught")
    }
}
