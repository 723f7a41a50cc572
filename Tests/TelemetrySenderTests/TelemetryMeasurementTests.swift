import SummaryChecks
import TelemetrySender
import TelemetryDAP
import LocalPrivacy
@testable import VDAF
import DAP
import HPKE
import UsageReport
import TestSupport
import AnonymousSummary
import XCTest

/// The telemetry's Prio3 measurements: what a config becomes, and what a large config loses.
final class TelemetryMeasurementTests: XCTestCase {
    /// The errors a DAP upload can log read as words, never as Swift case names (`wrongLength`).
    func testErrorsAreWords() {
        let errors: [any Error] = [FLPError.wrongLength, FLPError.testPointIsARootOfUnity, Prio3Error.flp(.wrongLength),
                                   DAPCodingError.malformed("truncated"), DAPCodingError.tooLong("task_info"), HPKEError.limitReached, XofTurboShake128.XofError.seedTooLong,
                                   XofTurboShake128.XofError.dstTooLong]
        for error in errors {
            XCTAssertNil("\(error)".range(of: #"[a-z][A-Z]"#, options: .regularExpression), "\(error)")
        }
    }

    func usage(_ yaml: String) throws -> ComponentUsage {
        try Summariser().usage(of: [ConfigSource(Array(yaml.utf8))])
    }

    func testPresenceIsTheLayoutsBitsAndAnExcessIsReportedAsUnlisted() throws {
        let layout = ComponentCatalog.benthos.pluginLayout
        var g = SplitMix64(seed: 3)
        let small = try usage("input: {kafka: {}}\npipeline: {processors: [{mapping: x}]}\noutput: {aws_s3: {}}\n")
        let (bits, moved) = TelemetryMeasurement.presence(small, layout: layout, using: &g)
        XCTAssertEqual(bits, layout.bits(of: small))
        XCTAssertEqual(moved, 0)
        // 20 processors of 20 names: 20 plugin bits, over 15: 6 move, and the processor kind's
        // unlisted bit stands for them (14 plugins + 1 unlisted bit = 15).
        let names = ComponentCatalog.benthos.allNames.filter { $0.kind == .processor }.prefix(20).map(\.name)
        let big = try usage("pipeline:\n  processors:\n" + names.map { "    - \($0): {}\n" }.joined())
        let (bigBits, bigMoved) = TelemetryMeasurement.presence(big, layout: layout, using: &g)
        XCTAssertEqual(bigBits.filter { $0 }.count, 15)
        XCTAssertEqual(bigMoved, 6)
        let processorKind = try XCTUnwrap(layout.kinds.firstIndex(of: .processor))
        XCTAssertTrue(bigBits[layout.plugins.count + processorKind], "the excess is unlisted, not dropped")
        // The measurement is always one the circuit accepts.
        let vdaf = try TelemetryMeasurement.presenceVDAF(layout: layout)
        XCTAssertNoThrow(try vdaf.shard([], bigBits, nonce: g.bytes(16), rand: g.bytes(vdaf.randSize)))
        XCTAssertThrowsError(try vdaf.shard([], layout.bits(of: big), nonce: g.bytes(16), rand: g.bytes(vdaf.randSize)),
                             "20 bits would be refused by the circuit")
    }

    func testPairsAreThoseAmongTheListedPluginsAtMostSevenOfThem() throws {
        var g = SplitMix64(seed: 4)
        let u = try usage("input: {kafka: {}}\npipeline: {processors: [{mutation: x}, {mapping: y}]}\noutput: {aws_s3: {}}\n")
        let bits = TelemetryMeasurement.pairs(u, using: &g)
        XCTAssertEqual(bits.count, 465)
        XCTAssertEqual(bits.filter { $0 }.count, 6, "4 listed plugins: 6 pairs")
        let list = TelemetryMeasurement.pairPlugins.map { "\($0.0.rawValue)/\($0.1)" }
        let s3 = try XCTUnwrap(list.firstIndex(of: "output/aws_s3")), mutation = try XCTUnwrap(list.firstIndex(of: "processor/mutation"))
        let (a, b) = (min(s3, mutation), max(s3, mutation)), n = list.count
        XCTAssertTrue(bits[a * n - a * (a + 1) / 2 + (b - a - 1)], "the seed's pair")
        // Nine listed plugins: a random seven kept, 21 pairs, within the circuit's weight.
        let nine = list.prefix(9).map { $0.split(separator: "/").map(String.init) }
        var yaml = "pipeline:\n  processors:\n"
        for p in nine where p[0] == "processor" { yaml += "    - \(p[1]): {}\n" }
        let inputs = nine.filter { $0[0] == "input" }, outputs = nine.filter { $0[0] == "output" }
        if let i = inputs.first { yaml += "input: {\(i[1]): {}}\n" }
        yaml += "output:\n  broker:\n    outputs:\n" + outputs.map { "      - \($0[1]): {}\n" }.joined()
        let many = try usage(yaml)
        let manyBits = TelemetryMeasurement.pairs(many, using: &g)
        XCTAssertEqual(manyBits.filter { $0 }.count, 21)
        let vdaf = try TelemetryMeasurement.pairsVDAF()
        XCTAssertNoThrow(try vdaf.shard([], manyBits, nonce: g.bytes(16), rand: g.bytes(vdaf.randSize)))
    }
}
