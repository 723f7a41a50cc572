import DifferentialPrivacy
import LocalPrivacy
import SummaryChecks
import AnonymousSummary
import UsageReport
import XCTest

/// Instances, conflicts, the threshold and the figures, on small populations computed by hand.
final class ReportTests: XCTestCase {
    static let index = CatalogIndex()

    /// A payload line for instance `n` (a valid version-4 id made from n).
    static func line(_ n: Int, uptime: Int = 600, _ components: [String], unlisted: String? = nil) -> String {
        let hex = String(n, radix: 16)
        let tail = String(repeating: "0", count: 12 - hex.count) + hex
        let comps = components.map { c -> String in
            let parts = c.split(separator: "/")
            return #"{"type":"\#(parts[0])","name":"\#(parts[1])"}"#
        }
        var text = #"{"id":"00000000-0000-4000-8000-\#(tail)","uptime":\#(uptime),"components":[\#(comps.joined(separator: ","))]"#
        if let unlisted { text += #","unlisted":{"\#(unlisted)":1}"# }
        return text + "}"
    }

    static func report(_ lines: [String], k: Int = 1) -> ExactReport {
        var builder = CollectedInstances(index: index)
        builder.add(text: Array(lines.joined(separator: "\n").utf8))
        return builder.exactReport(minInstances: k)
    }

    static func plugin(_ text: String) -> PluginName {
        let parts = text.split(separator: "/").map(String.init)
        return ComponentCatalog.benthos.plugin(named: parts[1], kind: ComponentKind(rawValue: parts[0])!)!
    }

    func testPayloadsOfOneIdAreOneInstanceAndTheGreatestUptimeStands() {
        let lines = [
            Self.line(1, uptime: 300, ["input/kafka"]),
            Self.line(1, uptime: 86_700, ["input/kafka"]),
            Self.line(1, uptime: 86_700, ["input/kafka"]),
            Self.line(2, uptime: 300, ["input/generate"]),
        ]
        let report = Self.report(lines)
        XCTAssertEqual(report.lines, 4)
        XCTAssertEqual(report.payloads, 4)
        XCTAssertEqual(report.instances, 2)
        XCTAssertEqual(report.conflicts, 0)
        XCTAssertEqual(report.figure(for: Self.plugin("input/kafka")), .count(1))
        XCTAssertEqual(report.uptime[UptimeBucket.underHour.rawValue], .count(1))
        XCTAssertEqual(report.uptime[UptimeBucket.underWeek.rawValue], .count(1))
    }

    func testAnIdWhosePayloadsDisagreeIsOneConflictAndItsLatestPayloadStandsInAnyOrder() {
        let lines = [
            Self.line(1, uptime: 300, ["input/kafka"]),
            Self.line(1, uptime: 900, ["input/generate"]),
            Self.line(1, uptime: 600, ["input/kafka"]),
            Self.line(2, uptime: 300, ["input/kafka"]),
        ]
        for order in [lines, lines.reversed(), [lines[1], lines[3], lines[0], lines[2]]] {
            let report = Self.report(order)
            XCTAssertEqual(report.instances, 2)
            XCTAssertEqual(report.conflicts, 1)
            XCTAssertEqual(report.rejected[.conflict], 1)
            XCTAssertEqual(report.figure(for: Self.plugin("input/generate")), .count(1))
            XCTAssertEqual(report.figure(for: Self.plugin("input/kafka")), .count(1))
        }
    }

    /// 20 instances: A (output/aws_s3) in 10, B (processor/mutation) in 12, both in 8.
    func testConfidenceAndLiftOnAPopulationComputedByHand() throws {
        var lines: [String] = []
        for n in 0..<20 {
            var comps = ["input/kafka"]
            if n < 10 { comps.append("output/aws_s3") }
            if n >= 2 && n < 14 { comps.append("processor/mutation") }
            lines.append(Self.line(n, comps))
        }
        let report = Self.report(lines, k: 5)
        let a = Self.plugin("output/aws_s3"), b = Self.plugin("processor/mutation")
        let pair = try XCTUnwrap(report.pairs(with: a).first { $0.b == b })
        XCTAssertEqual(pair.instances, 8)
        XCTAssertEqual(pair.confidenceAB, 0.8, accuracy: 1e-12)          // 8 / 10
        XCTAssertEqual(pair.confidenceBA, 8.0 / 12.0, accuracy: 1e-12)   // 8 / 12
        XCTAssertEqual(pair.lift, 8.0 * 20.0 / (10.0 * 12.0), accuracy: 1e-12)
        let share = try XCTUnwrap(report.plugins.first { $0.plugin == b })
        XCTAssertEqual(share.share, 0.6, accuracy: 1e-12)
        XCTAssertEqual(share.instances, 12)
        // kafka is in every instance: lift 1 with anything.
        let kafka = try XCTUnwrap(report.pairs(with: Self.plugin("input/kafka")).first { $0.b == a })
        XCTAssertEqual(kafka.lift, 1, accuracy: 1e-12)
        // The json carries the same figures.
        let json = report.json(with: a)
        XCTAssertTrue(json.contains(#""instances": 8, "lift": 1.3333, "confidence_ab": 0.8000, "confidence_ba": 0.6667"#), json)
    }

    /// K - 1 instances use input/nats: no format shows that number for it.
    func testAPluginUsedByFewerThanKInstancesShowsNoNumberInAnyFormat() {
        let k = 7
        var lines: [String] = []
        for n in 0..<30 {
            var comps = ["input/generate", "output/stdout"]
            if n < k - 1 { comps.append("processor/awk") }
            lines.append(Self.line(n, comps, unlisted: n < 3 ? "cache" : nil))
        }
        let report = Self.report(lines, k: k)
        XCTAssertEqual(report.figure(for: Self.plugin("processor/awk")), .belowThreshold)
        XCTAssertFalse(report.plugins.contains { $0.plugin.name == "awk" })
        XCTAssertFalse(report.pairs.contains { $0.a.name == "awk" || $0.b.name == "awk" })
        XCTAssertEqual(report.suppressed.plugins, 1)
        XCTAssertEqual(report.suppressed.pairs, 2)     // awk with generate, awk with stdout
        XCTAssertEqual(report.suppressed.kindCounts, 1)  // 3 instances with unlisted caches
        let json = report.json()
        XCTAssertFalse(json.contains("awk"), json)
        XCTAssertFalse(json.contains(#""unlisted""#), json)
        XCTAssertTrue(json.contains(#""suppressed": {"plugins": 1, "pairs": 2, "kind_counts": 1"#), json)
        let csvRow = report.csv().split(separator: "\n").filter { $0.contains("awk") }
        XCTAssertEqual(csvRow, ["plugin,processor,awk,,,< 7,,,,,,,,,,"], "16 columns")
        XCTAssertTrue(report.csv().contains("unlisted,cache,,,,< 7,,,,,,,,,,"))
        let tableRows = report.table().split(separator: "\n").filter { $0.contains("awk") }
        XCTAssertEqual(tableRows.map { $0.split(separator: " ").map(String.init) }, [["awk", "<", "7"]])
        XCTAssertFalse(report.svg().contains("awk"))
        XCTAssertFalse(report.table(with: Self.plugin("processor/awk")).contains(" 6 "))
        // At K = 6 it is published.
        XCTAssertEqual(Self.report(lines, k: k - 1).figure(for: Self.plugin("processor/awk")), .count(k - 1))
    }

    func testRejectedLinesAreNeverEchoedInAnyFormat() {
        let canary = "CANARY-7f3a"
        let hostile = [
            #"{"id":"\#(canary)","uptime":1,"components":[]}"#,
            #"{"id":"00000000-0000-4000-8000-000000000001","uptime":1,"components":[{"type":"input","name":"\#(canary)"}]}"#,
            #"{"id":"00000000-0000-4000-8000-000000000001","uptime":1,"components":[],"\#(canary)":1}"#,
            #"<svg onload=alert('\#(canary)')>"#,
            #"{"id":"00000000-0000-4000-8000-000000000001","uptime":1,"components":[{"type":"\#(canary)","name":"x"}]}"#,
        ]
        let lines = (0..<20).map { Self.line($0, ["input/kafka"]) } + hostile
        let report = Self.report(lines, k: 2)
        XCTAssertEqual(report.rejected.values.reduce(0, +), hostile.count)
        for (format, text) in [("table", report.table()), ("json", report.json()), ("csv", report.csv()), ("svg", report.svg())] {
            XCTAssertFalse(text.contains(canary), format)
            XCTAssertFalse(text.contains("alert"), format)
        }
    }

    func testLinesOverTheLimitAreCountedAndTheRestStillRead() {
        var text = Array(Self.line(1, ["input/kafka"]).utf8) + [0x0A]
        text += [UInt8](repeating: 0x7B, count: PayloadReader.maxLineLength + 10) + [0x0A]
        text += Array(Self.line(2, ["input/kafka"]).utf8)
        var builder = CollectedInstances(index: Self.index)
        var start = 0
        while start < text.count {  // in odd-sized chunks
            let end = min(text.count, start + 4093)
            text[start..<end].withUnsafeBufferPointer { builder.feed($0) }
            start = end
        }
        builder.endOfStream()
        let report = builder.exactReport(minInstances: 1)
        XCTAssertEqual(report.lines, 3)
        XCTAssertEqual(report.rejected[.tooLong], 1)
        XCTAssertEqual(report.instances, 2)
    }
}

extension ReportTests {
    /// One of a thing is singular, in every sentence the table writes.
    func testOneIsSingular() {
        let report = Self.report([Self.line(1, ["input/kafka"])], k: 1)
        let table = report.table()
        XCTAssertTrue(table.contains("Usage report: 1 instance (1 payload accepted of 1 line; 0 rejected)"), table)
        XCTAssertNil(table.range(of: #"(^|[^0-9,])1 (instances|payloads|lines|groups)\b"#, options: .regularExpression), table)
        XCTAssertFalse(table.contains("(s)"), table)
        let svg = report.svg()
        XCTAssertTrue(svg.contains("1 instance (exact"), svg)
        let two = Self.report([Self.line(1, ["input/kafka"]), Self.line(2, ["input/kafka"])], k: 2)
        XCTAssertTrue(two.table().contains("No figure resting on fewer than 2 instances is shown"), two.table())
    }
}

extension ReportTests {
    /// `feed(_:accepted:)` hands over each accepted line once, as read, in order, whatever the
    /// chunk sizes (a line split across chunks included): never a rejected or too-long line, and
    /// the last line of a stream without its `\n` through `endOfStream(accepted:)`.
    func testAcceptedLinesAreHandedOverAsReadWhateverTheChunks() {
        let good = [Self.line(1, ["input/kafka"]), Self.line(2, uptime: 7200, ["input/kafka", "output/aws_s3"]) + " \r",
                    Self.line(3, ["output/aws_s3"])]
        let lines = [good[0], #"{"id":"x"}"#, String(repeating: "{", count: PayloadReader.maxLineLength + 1), good[1], "",
                     Self.line(4, ["input/not_a_plugin"]), good[2]]
        let text = Array(lines.joined(separator: "\n").utf8)  // the last line has no \n
        for size in [1, 7, 4093, text.count] {
            var builder = CollectedInstances(index: Self.index)
            var handed: [[UInt8]] = []
            var start = 0
            while start < text.count {
                let end = min(text.count, start + size)
                text[start..<end].withUnsafeBufferPointer { builder.feed($0) { handed.append(Array($0)) } }
                start = end
            }
            builder.endOfStream { handed.append(Array($0)) }
            XCTAssertEqual(handed, good.map { Array($0.utf8) }, "chunks of \(size)")
            XCTAssertEqual(builder.lines, lines.count)
            XCTAssertEqual(builder.payloads, handed.count)
        }
    }
}
