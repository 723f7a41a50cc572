import Primitives
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
        // The whole measurement: within the bound, and one the SumVec circuit accepts.
        let dap = DAPTelemetryLayout()
        let m = TelemetryMeasurement.measurement(big, uptimeSeconds: 7_200, layout: dap, using: &g)
        XCTAssertEqual(m[0..<dap.pairsStart].reduce(0, +), 15)
        XCTAssertEqual(Array(m[dap.uptimeStart...]), [0, 1, 0, 0, 0], "2 h is under a day")
        var two = m
        two[0] = 2
        for profile in DAPProfile.all {
            switch try TelemetryMeasurement.vdaf(profile, length: dap.length, chunkLength: TelemetryMeasurement.defaultChunkLength) {
            case .draft08(let vdaf):
                XCTAssertNoThrow(try vdaf.shard([], m, nonce: g.bytes(16), rand: g.bytes(vdaf.randSize)))
                XCTAssertThrowsError(try vdaf.shard([], two, nonce: g.bytes(16), rand: g.bytes(vdaf.randSize)), "an entry of 2 is refused")
            case .draft20(let vdaf):
                XCTAssertNoThrow(try vdaf.shard([], m, nonce: g.bytes(16), rand: g.bytes(vdaf.randSize)))
                XCTAssertThrowsError(try vdaf.shard([], two, nonce: g.bytes(16), rand: g.bytes(vdaf.randSize)), "an entry of 2 is refused")
            }
        }
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
        // The layout names each pair entry as the pair it counts.
        let dap = DAPTelemetryLayout()
        XCTAssertEqual(dap.name(dap.pairsStart + a * n - a * (a + 1) / 2 + (b - a - 1)),
                       "pair/\(list[a])+\(list[b])")
        XCTAssertEqual(dap.name(dap.length - 1), "uptime/>=30d")
        XCTAssertEqual(dap.length, dap.pairsStart + 465 + 5)
    }
}
