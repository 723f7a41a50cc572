import Primitives
import DifferentialPrivacy
import LocalPrivacy
import AnonymousSummary
import Foundation
import SummaryChecks
import UsageReport
import XCTest

/// LDP payloads at the report's door, their groups, and the estimator's statistics.
final class LDPReportTests: XCTestCase {
    static let index = CatalogIndex()
    static let mechanism = OptimizedUnaryEncoding(epsilon: OptimizedUnaryEncoding.defaultEpsilon)!

    static func ldpLine(_ n: Int, config: String, epsilon: Double = OptimizedUnaryEncoding.defaultEpsilon,
                        seed: UInt64, uptime: UInt64 = 600) throws -> String {
        let usage = try Summariser().usage(of: [ConfigSource(Array(config.utf8))])
        var g = SplitMix64(seed: seed)
        let report = LDPReport(usage: usage, mechanism: OptimizedUnaryEncoding(epsilon: epsilon)!, secret: nil, using: &g)
        let hex = String(n, radix: 16)
        let id = InstanceID(parsing: "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex)!
        return report.summary(id: id, uptimeSeconds: uptime).jsonString()
    }

    func testLDPPayloadsAreReadStrictly() throws {
        let good = try Self.ldpLine(1, config: "input: {kafka: {}}", seed: 1)
        var reader = PayloadReader(index: Self.index)
        XCTAssertEqual(reader.read(Array(good.utf8)), .ldp)
        let fingerprint = Self.index.layout.fingerprint
        let bits = String(good.split(separator: "\"bits\":\"")[1].prefix(86))
        func variant(_ transform: (String) -> String) -> PayloadReader.Outcome { reader.read(Array(transform(good).utf8)) }
        XCTAssertEqual(variant { $0.replacingOccurrences(of: "\"oue\"", with: "\"rappor\"") }, .rejected(.unknownMechanism))
        XCTAssertEqual(variant { $0.replacingOccurrences(of: "1.0986122886681098", with: "0") }, .rejected(.badEpsilon))
        XCTAssertEqual(variant { $0.replacingOccurrences(of: "1.0986122886681098", with: "11") }, .rejected(.badEpsilon))
        XCTAssertEqual(variant { $0.replacingOccurrences(of: "1.0986122886681098", with: "\"1.1\"") }, .rejected(.badEpsilon))
        XCTAssertEqual(variant { $0.replacingOccurrences(of: fingerprint, with: "0123456789abcdef") }, .rejected(.unknownCatalog))
        XCTAssertEqual(variant { $0.replacingOccurrences(of: bits, with: String(bits.dropLast())) }, .rejected(.badBits))
        XCTAssertEqual(variant { $0.replacingOccurrences(of: bits, with: String(bits.dropLast()) + "1") }, .rejected(.badBits))
        XCTAssertEqual(variant { $0.replacingOccurrences(of: bits, with: bits.uppercased()) }, bits.uppercased() == bits ? .ldp : .rejected(.badBits))
        XCTAssertEqual(variant { $0.replacingOccurrences(of: "\"mechanism\"", with: "\"components\":[],\"mechanism\"") }, .rejected(.unknownKey))
        XCTAssertEqual(variant { $0.replacingOccurrences(of: ",\"catalog\":\"\(fingerprint)\"", with: "") }, .rejected(.missingKey))
        XCTAssertEqual(variant { $0.replacingOccurrences(of: "\"mechanism\"", with: "\"epsilon\":1,\"mechanism\"") }, .rejected(.duplicateKey))
    }

    func testLDPPayloadsAreGroupedByEpsilonAndNeverMixedWithExactOnes() throws {
        var lines: [String] = []
        for n in 0..<30 { lines.append(try Self.ldpLine(n, config: "input: {kafka: {}}", seed: UInt64(n))) }
        for n in 30..<50 { lines.append(try Self.ldpLine(n, config: "input: {kafka: {}}", epsilon: 2, seed: UInt64(n))) }
        // The same instance again later, with its memoised bits: one instance.
        lines.append(try Self.ldpLine(0, config: "input: {kafka: {}}", seed: 0, uptime: 900))
        // An exact payload.
        lines.append(#"{"id":"00000000-0000-4000-8000-0000000000ff","uptime":1,"components":[{"type":"input","name":"kafka"}]}"#)
        var builder = CollectedInstances(index: Self.index)
        builder.add(text: Array(lines.joined(separator: "\n").utf8))
        let report = builder.exactReport(minInstances: 25)
        XCTAssertEqual(report.instances, 1, "exact instances only")
        XCTAssertEqual(report.ldp.map(\.mechanism.epsilon), [OptimizedUnaryEncoding.defaultEpsilon, 2])
        XCTAssertEqual(report.ldp.map(\.instances), [30, 20])
        XCTAssertEqual(report.ldp.map(\.published), [true, false], "a group under K publishes nothing")
        XCTAssertEqual(report.suppressed.ldpGroups, 1)
        XCTAssertTrue(report.ldp[1].plugins.isEmpty)
        XCTAssertEqual(report.ldp[0].plugins.count, Self.index.count)
        let json = report.json()
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.utf8)))
        XCTAssertTrue(json.contains(#""type": "input", "name": "kafka", "estimate": "#), json)
        XCTAssertFalse(json.contains(#""epsilon": 2.0"#), "nothing about a group under K, not even its ε")
        XCTAssertFalse(report.table().contains("ε = 2.0"))
        // A conflict: one id, other bits.
        lines.append(try Self.ldpLine(1, config: "output: {drop: {}}", seed: 99, uptime: 5000))
        builder = CollectedInstances(index: Self.index)
        builder.add(text: Array(lines.joined(separator: "\n").utf8))
        XCTAssertEqual(builder.exactReport(minInstances: 1).rejected[.conflict], 1)
    }

    func testTheEstimatorOnAHandMadeTable() throws {
        let m = Self.mechanism  // p = 1/2, q = 1/4
        // 1,000 reports, 400 ones: (0.4 - 0.25) / 0.25 = 0.6.
        let e = LDPEstimator.share(ones: 400, of: 1000, mechanism: m)
        XCTAssertEqual(e.unbiased, 0.6, accuracy: 1e-12)
        // Variance of the per-instance values w(1) = 3, w(0) = -1: mean 0.6, E[x²] = 0.4·9 + 0.6·1 = 4.2.
        XCTAssertEqual(e.standardError, ((4.2 - 0.36) * 1000 / 999 / 1000).squareRoot(), accuracy: 1e-12)
        // Pairs: w(1)² = 9, w(1)w(0) = -3, w(0)² = 1.
        let pair = LDPEstimator.pairShare(n11: 100, n10: 150, n01: 150, n00: 600, mechanism: m)
        let expected: Double = (900.0 - 900.0 + 600.0) / 1000.0  // 100·9 - 300·3 + 600·1
        XCTAssertEqual(pair.unbiased, expected, accuracy: 1e-12)
        XCTAssertEqual(LDPEstimator.simultaneousZ(count: 1), 1.959963984540054, accuracy: 1e-9)
        XCTAssertEqual(LDPEstimator.simultaneousZ(count: 1000), 4.055626981, accuracy: 1e-6)
    }

    /// The plugin sets of the real configs in ../shared/benthos-corpus.
    static func corpusTruths() throws -> [[Bool]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/benthos-corpus")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else {
            throw XCTSkip("\(root.path) is absent: the estimator check draws populations from the shared corpus (../shared), which CI has and a user's clone does not")
        }
        let layout = ComponentCatalog.benthos.pluginLayout
        var truths: [[Bool]] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(name).path),
                  let usage = try? Summariser().usage(of: [ConfigSource(Array(data))]), !usage.counts.isEmpty else { continue }
            truths.append(layout.bits(of: usage))
        }
        return truths
    }

    /// Simulated populations drawn from the real configs' plugin sets, n = 1,000 and 10,000:
    /// the estimates are unbiased (mean error within 3 standard errors over the trials) and the
    /// 95% intervals cover the population's true share in 93–97% of trials, for plugins and pairs.
    /// (`Scripts/ldp-accuracy` runs the same at n = 100,000 on a release build.)
    func testEstimatesAreUnbiasedAndIntervalsCoverTheTruthOnRealPluginSets() throws {
        let truths = try Self.corpusTruths()
        XCTAssertGreaterThan(truths.count, 100)
        let width = truths[0].count
        let frequency = (0..<width).map { b in truths.filter { $0[b] }.count }
        let byFrequency = (0..<width).sorted { frequency[$0] > frequency[$1] }
        // The most used plugin, ones near 25%, 10% and 3% of configs, and one no config uses.
        func near(_ share: Double) -> Int {
            byFrequency.min { abs(Double(frequency[$0]) / Double(truths.count) - share) < abs(Double(frequency[$1]) / Double(truths.count) - share) }!
        }
        let bits = [byFrequency[0], near(0.25), near(0.10), near(0.03), byFrequency.last!]
        // Pairs: the two most used together, a pair of the 10% and 25% plugins, and an unused one.
        let pairs = [(byFrequency[0], byFrequency[1]), (near(0.25), near(0.10)), (byFrequency[0], byFrequency.last!)]
        let m = Self.mechanism
        var g = SplitMix64(seed: 20_261_125)
        for (n, trials) in [(1000, 600), (10_000, 150)] {
            var errors = [[Double]](repeating: [], count: bits.count + pairs.count)
            var covered = [Int](repeating: 0, count: bits.count + pairs.count)
            for _ in 0..<trials {
                var trueOnes = [Int](repeating: 0, count: bits.count), reportedOnes = [Int](repeating: 0, count: bits.count)
                var trueBoth = [Int](repeating: 0, count: pairs.count), n11 = [Int](repeating: 0, count: pairs.count)
                var rA = [Int](repeating: 0, count: pairs.count), rB = [Int](repeating: 0, count: pairs.count)
                for _ in 0..<n {
                    let truth = truths[Int(g.next() % UInt64(truths.count))]
                    // One draw per tracked bit, through the mechanism's own reporting function.
                    var reported: [Int: Bool] = [:]
                    func report(_ b: Int) -> Bool {
                        if let r = reported[b] { return r }
                        let r = m.report(truth[b], uniform: Double(g.next() >> 11) * 0x1p-53)
                        reported[b] = r
                        return r
                    }
                    for (k, b) in bits.enumerated() {
                        if truth[b] { trueOnes[k] += 1 }
                        if report(b) { reportedOnes[k] += 1 }
                    }
                    for (k, (a, b)) in pairs.enumerated() {
                        if truth[a] && truth[b] { trueBoth[k] += 1 }
                        let (x, y) = (report(a), report(b))
                        if x { rA[k] += 1 }
                        if y { rB[k] += 1 }
                        if x && y { n11[k] += 1 }
                    }
                }
                for k in 0..<bits.count {
                    let e = LDPEstimator.share(ones: reportedOnes[k], of: n, mechanism: m)
                    let truth = Double(trueOnes[k]) / Double(n)
                    errors[k].append(e.unbiased - truth)
                    if e.low <= truth && truth <= e.high { covered[k] += 1 }
                }
                for k in 0..<pairs.count {
                    let e = LDPEstimator.pairShare(n11: n11[k], n10: rA[k] - n11[k], n01: rB[k] - n11[k],
                                                   n00: n - rA[k] - rB[k] + n11[k], mechanism: m)
                    let truth = Double(trueBoth[k]) / Double(n)
                    errors[bits.count + k].append(e.unbiased - truth)
                    if e.low <= truth && truth <= e.high { covered[bits.count + k] += 1 }
                }
            }
            for k in errors.indices {
                let mean = errors[k].reduce(0, +) / Double(trials)
                let sd = (errors[k].map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(trials - 1)).squareRoot()
                let what = k < bits.count ? "plugin bit \(bits[k])" : "pair \(pairs[k - bits.count])"
                print("n \(n): \(what): mean error \(mean), sd \(sd), coverage \(Double(covered[k]) / Double(trials))")
                XCTAssertLessThan(abs(mean), 3 * sd / Double(trials).squareRoot(), "n \(n), \(what): biased?")
            }
            let pluginCoverage = Double(covered[..<bits.count].reduce(0, +)) / Double(trials * bits.count)
            let pairCoverage = Double(covered[bits.count...].reduce(0, +)) / Double(trials * pairs.count)
            print("n \(n): 95% intervals covered the truth in \(pluginCoverage) of plugin estimates and \(pairCoverage) of pair estimates")
            XCTAssert((0.93...0.97).contains(pluginCoverage), "n \(n): plugin coverage \(pluginCoverage)")
            XCTAssert((0.93...0.97).contains(pairCoverage), "n \(n): pair coverage \(pairCoverage)")
        }
    }
}
