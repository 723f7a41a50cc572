import Primitives
import TestSupport
import AnonymousSummary
import Foundation
import SummaryChecks
import XCTest

/// Every seed of `Tests/FuzzCorpus`, and the large hostile inputs made on demand, keep the
/// invariants the fuzzer checks: no crash, a located error or a closed, anonymous payload.
/// (`Scripts/fuzz replay` runs the same over a release build, with tighter time bounds.)
final class FuzzCorpusReplayTests: XCTestCase {
    static let corpus = TestPaths.repositoryRoot.appendingPathComponent("Tests/FuzzCorpus")

    func testEveryCorpusFileKeepsTheInvariants() throws {
        let fm = FileManager.default
        let seeds = try fm.contentsOfDirectory(atPath: Self.corpus.path).filter { !$0.hasPrefix(".") && $0 != "found" }
        XCTAssertGreaterThanOrEqual(seeds.count, 200, "the seed corpus should hold at least 200 hand-written files")
        // And what `Scripts/fuzz merge` kept from fuzzing runs, in found/.
        let found = ((try? fm.contentsOfDirectory(atPath: Self.corpus.appendingPathComponent("found").path)) ?? [])
            .filter { !$0.hasPrefix(".") }.map { "found/" + $0 }
        let names = (seeds + found).sorted()
        let clock = ContinuousClock()
        var slowest: (Duration, String) = (.zero, "")
        for name in names {
            let bytes = try Array(Data(contentsOf: Self.corpus.appendingPathComponent(name)))
            let start = clock.now
            let violations = InvariantCheck.check(bytes)
            let elapsed = clock.now - start
            if elapsed > slowest.0 { slowest = (elapsed, name) }
            XCTAssertEqual(violations.map(\.description), [], name)
        }
        print("fuzz corpus replay: \(seeds.count) seeds and \(found.count) found by fuzzing; slowest \(slowest.1) in \(slowest.0)")
        // A loose bound for a debug build: it catches quadratic blow-ups, not small slowdowns.
        XCTAssertLessThan(slowest.0, .seconds(10), "\(slowest.1) is far slower than any input should be")
    }

    func testTheLargeHostileInputsKeepTheInvariants() {
        for (name, bytes) in HostileInputs.all {
            XCTAssertEqual(InvariantCheck.check(bytes).map(\.description), [], name)
        }
    }

    /// The check itself can fail: a payload that changed with a value would be reported.
    func testTheCanaryRendererKeepsStructureAndReplacesValues() throws {
        let yaml = Array("input:\n  label: secret\n  type: kafka\n  kafka: {topics: [t1, \"$x\"], n: ~}\n".utf8)
        let flat = try Summariser().flatDocument(yaml)
        var renderer = CanaryRenderer(typeField: "type")
        let text = String(decoding: renderer.render(flat, try XCTUnwrap(flat.roots.first)), as: UTF8.self)
        XCTAssertFalse(text.contains("secret"))
        XCTAssertFalse(text.contains("t1"))
        XCTAssertTrue(text.contains("\"kafka\""), "the legacy type value is kept")
        let reparsed = try XCTUnwrap(try Summariser().document(Array(text.utf8)))
        XCTAssertEqual(reparsed["input"]?["kafka"]?["n"]?.isNull, true, "nulls stay null")
        XCTAssertEqual(reparsed["input"]?["kafka"]?["topics"]?.sequenceItems?.count, 2)
    }

    /// Keys are written back exactly, whatever they hold: quotes, backslashes, `${`, tabs, C0
    /// and C1 controls, line and paragraph separators, a BOM, non-characters and astral scalars.
    func testTheCanaryRendererWritesEveryKeyBackExactly() throws {
        let keys = [#"q\"uote"#, #"back\\slash"#, "$\\x7bnot-interpolated}", "tab\\there", #"bell\a"#, #"c1\x85\x9f"#,
                    #"sep\u2028\u2029"#, #"bom\ufeff"#, #"non\ufffe\uffff"#, #"astral\U0001F600"#, "é ü 漢字", "$", "{"]
        let yaml = keys.enumerated().map { "\"\($0.element)\": v\($0.offset)" }.joined(separator: "\n") + "\n"
        let flat = try Summariser().flatDocument(Array(yaml.utf8))
        let root = try XCTUnwrap(flat.roots.first)
        var renderer = CanaryRenderer(typeField: "type")
        let rendered = renderer.render(flat, root)
        let again = try Summariser().flatDocument(rendered)
        let before = flat.pairs(root).map { flat.scalarString($0.key) }
        let againRoot = try XCTUnwrap(again.roots.first)
        let after = again.pairs(againRoot).map { again.scalarString($0.key) }
        XCTAssertEqual(after, before)
        XCTAssertEqual(before.count, keys.count)
        XCTAssertFalse(InvariantCheck.hasInterpolationStart(rendered), "a `${` in a key is escaped")
        for pair in again.pairs(againRoot) {
            XCTAssertTrue(again.scalarString(pair.value)?.hasPrefix("zq-canary-") ?? false)
        }
    }

    /// The `${` search agrees with a byte-by-byte one on inputs made of `$`, `{` and filler,
    /// at every length and alignment around the eight-byte steps.
    func testTheInterpolationSearchAgreesWithANaiveOne() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet: [UInt8] = [0x24, 0x7B, 0x61, 0x24, 0x0A, 0xC3]
        var positives = 0
        for length in 0..<40 {
            for _ in 0..<200 {
                var bytes: [UInt8] = []
                for _ in 0..<length {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    let r = Int(state >> 33)
                    bytes.append(r % 7 == 0 ? alphabet[r % alphabet.count] : 0x61)
                }
                let naive = bytes.count >= 2 && (0..<(bytes.count - 1)).contains { bytes[$0] == 0x24 && bytes[$0 + 1] == 0x7B }
                if naive { positives += 1 }
                XCTAssertEqual(InvariantCheck.hasInterpolationStart(bytes), naive, "\(bytes)")
            }
        }
        XCTAssertGreaterThan(positives, 100)
    }
}

/// Invariant 4 is not vacuous: the oracle and the reader agree on the payload seeds, which
/// accept and refuse what their names say.
final class PayloadSeedTests: XCTestCase {
    func testThePayloadSeedsAreAcceptedOrRefusedAsNamed() throws {
        let fm = FileManager.default
        let names = try fm.contentsOfDirectory(atPath: FuzzCorpusReplayTests.corpus.path).filter { $0.hasPrefix("payload-") }
        XCTAssertGreaterThanOrEqual(names.count, 30)
        for name in names {
            let bytes = try Array(Data(contentsOf: FuzzCorpusReplayTests.corpus.appendingPathComponent(name)))
            let lines = bytes.split(separator: 0x0A).map(Array.init)
            let firstJudged = PayloadOracle.judge(lines.first ?? [])
            if name.hasPrefix("payload-valid-") {
                XCTAssertNotNil(firstJudged, name)
                for line in lines { XCTAssertNotNil(PayloadOracle.judge(line), name) }
            } else {
                XCTAssertNil(firstJudged, name)
            }
            XCTAssertEqual(InvariantCheck.checkPayloadLines(bytes).map(\.description), [], name)
        }
    }

    func testTheOracleCatchesAReaderThatAcceptsTooMuch() {
        // A duplicate key is valid JSON to lenient parsers: the oracle refuses it as the reader does.
        let line = Array(#"{"id":"3b2e1c4d-5f6a-4b7c-8d9e-0f1a2b3c4d5e","uptime":1,"components":[],"uptime":2}"#.utf8)
        XCTAssertNil(PayloadOracle.judge(line))
        XCTAssertNotNil(PayloadOracle.judge(Array(#"{"id":"3b2e1c4d-5f6a-4b7c-8d9e-0f1a2b3c4d5e","uptime":1,"components":[]}"#.utf8)))
    }
}
