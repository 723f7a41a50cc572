import LocalPrivacy
import TestSupport
import AnonymousSummary
import Foundation
import SummaryChecks
import UsageReport
import XCTest

/// One generated case: a config (structure + what the walk must find), rendered twice with
/// different user data and different YAML styles.
struct ConfigCase {
    var config: GeneratedConfig
    var tree: Tree
    var text: String
    var canaries: [String]
    /// The same structure with other values, labels, user keys, comments, styles, key order,
    /// indentation and line ends.
    var variantText: String
    var styles: Set<String>
    var categories: [Filler.Category: Int]
}

/// How a payload is made from config text: the real summariser, or (to prove the harness can
/// fail) a deliberately leaky one.
typealias Summarise = ([UInt8]) throws -> [UInt8]

enum Subjects {
    static let id = InstanceID(parsing: "00000000-0000-4000-8000-000000000000")!
    static let summariser = Summariser()

    /// The real thing: parse, walk, encode, with a fixed id and uptime.
    static func real(_ bytes: [UInt8]) throws -> [UInt8] {
        let usage = try summariser.usage(of: [ConfigSource(bytes)])
        return Summary(id: id, uptimeSeconds: 42, usage: usage).jsonBytes()
    }

    /// Test-only and wrong on purpose: copies the input's label into a plugin name, as a
    /// careless summariser might. The properties must catch it.
    static func leaky(_ bytes: [UInt8]) throws -> [UInt8] {
        let payload = try real(bytes)
        guard let label = try summariser.document(bytes)?["input"]?["label"]?.scalarValue else { return payload }
        let text = String(decoding: payload, as: UTF8.self)
            .replacingOccurrences(of: #""components":["#, with: #""components":[{"type":"input","name":"\#(label)"},"#)
        return Array(text.utf8)
    }
}

/// What the generated cases covered, printed after each property so a reviewer sees it.
final class Coverage {
    var cases = 0
    var kinds: [ComponentKind: Int] = [:]
    var forms: [String: Int] = [:]
    var depths: [Int: Int] = [:]
    var styles: [String: Int] = [:]
    var categories: [String: Int] = [:]

    func observe(_ c: ConfigCase) {
        cases += 1
        for k in c.config.features.kinds { kinds[k, default: 0] += 1 }
        for f in c.config.features.forms { forms[f, default: 0] += 1 }
        depths[c.config.features.componentDepth, default: 0] += 1
        for s in c.styles { styles[s, default: 0] += 1 }
        for (cat, n) in c.categories { categories[cat.rawValue, default: 0] += n }
    }

    var report: String {
        func line<K>(_ title: String, _ d: [K: Int], _ name: (K) -> String) -> String {
            "  \(title): " + d.map { (name($0.key), $0.value) }.sorted { $0.0 < $1.0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        }
        return [
            "  cases: \(cases)",
            line("configs with each kind", kinds, { $0.rawValue }),
            line("configs with each form", forms, { $0 }),
            line("deepest component nesting", depths, { "depth \($0)" }),
            line("configs with each YAML style", styles, { $0 }),
            line("adversarial strings placed", categories, { $0 }),
        ].joined(separator: "\n")
    }
}

final class AnonymityPropertyTests: XCTestCase {
    static let generator = ConfigGenerator()

    static var cases: Gen<ConfigCase> { Gen { source in
        let config = generator.gen.run(source)
        var filler = Filler(source: source)
        let tree = filler.fill(config.skeleton, shuffle: source.draw(2) == 1)
        var renderer = Renderer(source: source)
        let text = renderer.render(tree, commentText: "a comment: \(filler.canaries.first ?? "none")")
        // The variant draws from its own stream, seeded from this one, so it is reproducible.
        let variantSource = ChoiceSource(seed: source.draw(UInt64.max))
        var otherFiller = Filler(source: variantSource)
        let otherTree = otherFiller.fill(config.skeleton, shuffle: true)
        var otherRenderer = Renderer(source: variantSource)
        let variantText = otherRenderer.render(otherTree, commentText: "# other: \(otherFiller.canaries.first ?? "")")
        return ConfigCase(config: config, tree: tree, text: text, canaries: filler.canaries + otherFiller.canaries,
                          variantText: variantText, styles: renderer.styles.union(otherRenderer.styles),
                          categories: filler.used)
    } }

    static func show(_ c: ConfigCase) -> String { c.text }

    // MARK: The properties, against any summariser

    /// 1. No canary placed in a value, label or user map key appears in the payload, raw or JSON-escaped.
    static func noCanary(_ summarise: @escaping Summarise) -> Property<ConfigCase>.Check {
        { c in
            // Each canary as written, and as JSON would escape it (once per case, for both texts).
            let forms = c.canaries.map { canary in
                (canary, String(decoding: (try? JSONSerialization.data(withJSONObject: [canary])) ?? Data(), as: UTF8.self)
                    .dropFirst(2).dropLast(2))
            }
            for text in [c.text, c.variantText] {
                let payload: [UInt8]
                do { payload = try summarise(Array(text.utf8)) } catch { return "refused: \(error)" }
                let json = String(decoding: payload, as: UTF8.self)
                for (canary, escaped) in forms {
                    if json.contains(canary) || (!escaped.isEmpty && json.contains(escaped)) {
                        return "canary \(canary) reached the payload: \(json)"
                    }
                }
            }
            return nil
        }
    }

    /// 2. Changing values, labels, user keys, comments, styles, order or indentation leaves the payload as it was.
    static func nonInterference(_ summarise: @escaping Summarise) -> Property<ConfigCase>.Check {
        { c in
            do {
                let a = try summarise(Array(c.text.utf8))
                let b = try summarise(Array(c.variantText.utf8))
                if a != b {
                    return "payloads differ:\n\(String(decoding: a, as: UTF8.self))\n\(String(decoding: b, as: UTF8.self))\nvariant:\n\(c.variantText)"
                }
                return nil
            } catch {
                return "refused: \(error)"
            }
        }
    }

    // MARK: Tests

    func testNoCanaryEverReachesThePayload() {
        let coverage = Coverage()
        check(Property(name: "no canary", gen: Self.cases, check: Self.noCanary(Subjects.real)),
              defaultIterations: 8000, show: Self.show, observe: coverage.observe)
        print(coverage.report)
        XCTAssertGreaterThan(coverage.cases, 0)
    }

    func testUserDataAndFormattingNeverChangeThePayload() {
        let coverage = Coverage()
        check(Property(name: "non-interference", gen: Self.cases, check: Self.nonInterference(Subjects.real)),
              defaultIterations: 8000, show: Self.show, observe: coverage.observe)
        print(coverage.report)
    }

    /// 3. Every payload is valid against the closed schema, its id a version-4 UUID.
    func testEveryPayloadIsClosed() throws {
        let validator = try SchemaValidator(schemaAt: SchemaValidator.payloadSchemaURL)
        let coverage = Coverage()
        defer { print(coverage.report) }
        check(Property(name: "closed output", gen: Self.cases, check: { c in
            do {
                let usage = try Subjects.summariser.usage(of: [ConfigSource(Array(c.text.utf8))])
                let payload = Summary(id: .random(), uptimeSeconds: UInt64(c.text.utf8.count), usage: usage).jsonBytes()
                if let violation = validator.violation(in: payload) { return "\(violation) in \(String(decoding: payload, as: UTF8.self))" }
                for name in usage.components where ComponentCatalog.benthos.plugin(named: name.name, kind: name.kind) != name {
                    return "\(name) is not in the catalogue"
                }
                return nil
            } catch {
                return "refused: \(error)"
            }
        }), defaultIterations: 5000, show: Self.show, observe: coverage.observe)
    }

    /// 4. The payload's components are exactly the allow-listed components of the generated tree.
    func testThePayloadCountsEveryAllowListedComponent() {
        let coverage = Coverage()
        defer { print(coverage.report) }
        check(Property(name: "completeness", gen: Self.cases, check: { c in
            do {
                let usage = try Subjects.summariser.usage(of: [ConfigSource(Array(c.text.utf8))])
                var counts: [String: Int] = [:]
                for (name, n) in usage.counts { counts[name.description] = n }
                let got = Expected(counts: counts, unlisted: usage.unlisted, malformed: usage.malformed)
                return got == c.config.expected ? nil : "walk found \(got), the generator made \(c.config.expected)"
            } catch {
                return "refused: \(error)"
            }
        }), defaultIterations: 8000, show: Self.show, observe: coverage.observe)
    }

    /// 5. A tree rendered in any style parses back to itself.
    func testRenderedTreesParseBackToThemselves() {
        let coverage = Coverage()
        defer { print(coverage.report) }
        check(Property(name: "round trip", gen: Self.cases, check: { c in
            for (text, label) in [(c.text, "text")] {
                do {
                    let docs = try YAML.parseStream(Array(text.utf8))
                    guard docs.count == 1, let doc = docs.first else { return "\(label): \(docs.count) documents" }
                    if !c.tree.matches(doc) { return "\(label) read back as \(doc.jsonText(resolvingScalars: false))" }
                } catch {
                    return "\(label) refused: \(error)"
                }
            }
            return nil
        }), defaultIterations: 8000, show: Self.show, observe: coverage.observe)
    }

    /// 6. Padding: the payload's length is exactly its size class (256, 1,024, 4,096, then
    /// multiples of 4,096), the same at any uptime, chosen as the smallest class that holds the
    /// payload with the widest uptime; and the padded payload reads, by the report's strict
    /// reader and by the independent oracle, as the same content as without its spaces.
    func testPaddedPayloadsHaveTheirClassLengthAndReadAsTheSameSummary() {
        let index = CatalogIndex()
        check(Property(name: "padding", gen: Self.cases, check: { c in
            guard let usage = try? Subjects.summariser.usage(of: [ConfigSource(Array(c.text.utf8))]) else { return nil }
            let id = InstanceID(parsing: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")!
            var lengths = Set<Int>()
            for uptime: UInt64 in [0, 3_600, 31_536_000, 9_007_199_254_740_991] {
                let padded = Summary(id: id, uptimeSeconds: uptime, usage: usage).jsonBytes()
                lengths.insert(padded.count)
                let compact = padded.filter { $0 != 0x20 }
                // The smallest class that holds the compact payload with a 16-digit uptime.
                let widest = compact.count - String(uptime).count + 16
                let expected = [256, 1_024, 4_096].first { widest <= $0 } ?? (widest + 4_095) / 4_096 * 4_096
                if padded.count != expected { return "length \(padded.count), expected the class \(expected) (uptime \(uptime))" }
                if padded.count > Summary.maxPayloadBytes { return "length \(padded.count), over the largest class" }
                guard let a = PayloadOracle.judge(padded), let b = PayloadOracle.judge(compact) else { return "the oracle refused a payload" }
                if a.id != b.id || a.uptime != b.uptime || a.components != b.components || a.unlisted != b.unlisted
                    || a.malformed != b.malformed || a.epsilon != nil || b.epsilon != nil { return "padded \(a) vs compact \(b)" }
                var reader = PayloadReader(index: index)
                let readPadded = padded.withUnsafeBufferPointer { reader.read($0) }
                guard case .exact = readPadded else { return "the report's reader refused the padded payload: \(readPadded)" }
                let fromPadded = reader.payload
                _ = compact.withUnsafeBufferPointer { reader.read($0) }
                if fromPadded != reader.payload { return "the reader read different content" }
            }
            return lengths.count == 1 ? nil : "lengths \(lengths) at different uptimes"
        }), defaultIterations: 2000, show: Self.show)
    }

    // MARK: The harness can fail

    /// A summariser that copies a label into a plugin name is caught by properties 1 and 2,
    /// and the failure shrinks to a config of a few lines.
    func testTheHarnessCatchesALeakySummariserAndShrinksIt() {
        for (name, checkFor) in [("no canary", Self.noCanary), ("non-interference", Self.nonInterference)] {
            let property = Property(name: name, gen: Self.cases, check: checkFor(Subjects.leaky))
            let outcome = property.run(seed: Property<ConfigCase>.seed, iterations: 2000)
            guard let failure = outcome.failure else {
                XCTFail("'\(name)' did not catch the leaky summariser in \(outcome.cases) cases")
                continue
            }
            let lines = failure.value.text.split(separator: "\n", omittingEmptySubsequences: true).count
            print("leaky summariser caught by '\(name)' at case \(failure.caseIndex + 1), shrunk in \(failure.shrinkSteps) steps to \(lines) lines:\n\(failure.value.text)")
            XCTAssertLessThanOrEqual(lines, 6, "the shrunk example should be a few lines:\n\(failure.value.text)")
            XCTAssertTrue(failure.value.text.contains("label"), failure.value.text)
            // And the real summariser passes on that very example.
            XCTAssertNil(checkFor(Subjects.real)(failure.value))
        }
    }

    func testTheSchemaValidatorRejectsWhatTheSchemaForbids() throws {
        let validator = try SchemaValidator(schemaAt: SchemaValidator.payloadSchemaURL)
        let good = #"{"id":"00000000-0000-4000-8000-000000000000","uptime":1,"components":[{"type":"input","name":"generate"}]}"#
        XCTAssertNil(validator.violation(in: Array(good.utf8)))
        let bad = [
            #"{"id":"00000000-0000-4000-8000-000000000000","uptime":1,"components":[],"label":"x"}"#,
            #"{"id":"00000000-0000-4000-8000-000000000000","uptime":1,"components":[{"type":"input","name":"fooer"}]}"#,
            #"{"id":"00000000-0000-4000-8000-000000000000","uptime":1,"components":[{"type":"input","name":"mapping"}]}"#,
            #"{"id":"00000000-0000-1000-8000-000000000000","uptime":1,"components":[]}"#,
            #"{"id":"00000000-0000-4000-8000-000000000000","uptime":-1,"components":[]}"#,
            #"{"id":"00000000-0000-4000-8000-000000000000","uptime":1,"components":[],"unlisted":{"inputs":1}}"#,
            #"{"id":"00000000-0000-4000-8000-000000000000","uptime":1,"components":[{"type":"input","name":"generate","label":"x"}]}"#,
        ]
        for b in bad { XCTAssertNotNil(validator.violation(in: Array(b.utf8)), b) }
    }

    func testTheExamplePayloadIsValid() throws {
        let validator = try SchemaValidator(schemaAt: SchemaValidator.payloadSchemaURL)
        let example = SchemaValidator.payloadSchemaURL.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/telemetry-docs.yaml")
        let payload = try Subjects.real(Array(Data(contentsOf: example)))
        XCTAssertNil(validator.violation(in: payload))
    }
}
