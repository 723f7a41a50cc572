import AnonymousSummary
import LocalPrivacy
import DifferentialPrivacy
import Primitives
import Foundation
import UsageReport
import CommandLineSupport

/// `anonymous-summary-dev ldp-simulate`: the measuring loop behind `Scripts/ldp-accuracy`.
/// Simulates populations, randomizes their bits with the mechanism's own `report(_:uniform:)`,
/// estimates with the report's `LDPEstimator`, and prints one JSON line: the mean 95% half-width,
/// the coverage and the mean error, for a plugin and a pair.
/// The truth is the distribution the instances are drawn from (10%, 5%), so coverage here also
/// counts the sampling of the population; with --corpus it is the drawn population's own share.
///
///   ldp-simulate --epsilon E --instances N [--trials T] [--seed S]
///       a plugin with a 10% share, and a pair: A in 10%, B in 30%, both in 5% of instances
///   ldp-simulate --epsilon E --instances N --corpus DIR [--trials T] [--seed S]
///       populations drawn (with replacement) from the plugin sets of the configs in DIR;
///       plugins near 25%, 10% and 3%, and the two pairs most used together
enum LDPSimulateCommand {
    /// The simulation's seeded generator: the package's one SplitMix64 (never a mechanism's source).
    typealias Generator = SplitMix64

    struct Tally {
        var halfWidths: [Double] = []
        var errors: [Double] = []
        var covered = 0

        mutating func add(_ e: LDPEstimate, truth: Double) {
            halfWidths.append(LDPEstimator.z95 * e.standardError)
            errors.append(e.unbiased - truth)
            if e.low <= truth && truth <= e.high { covered += 1 }
        }

        var json: String {
            let n = Double(errors.count)
            let mean = errors.reduce(0, +) / n
            let sd = (errors.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / max(1, n - 1)).squareRoot()
            return "{\"half_width\": \(halfWidths.reduce(0, +) / n), \"coverage\": \(Double(covered) / n), "
                + "\"mean_error\": \(mean), \"error_sd\": \(sd), \"mean_error_in_se\": \(mean / (sd / n.squareRoot()))}"
        }
    }

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let flags = try CLI.parse(arguments, CommandTable.ldpSimulate).flags
        let e = try CLI.number(flags, "--epsilon", 0.0, "a number more than 0 and at most \(OptimizedUnaryEncoding.maxEpsilon)") {
            OptimizedUnaryEncoding(epsilon: $0) != nil
        }
        guard let m = OptimizedUnaryEncoding(epsilon: e) else { throw CLIFailure(code: .usage, message: "--epsilon is needed") }
        let n = try CLI.number(flags, "--instances", 0, "a whole number of at least 2") { $0 > 1 }
        let trials = try CLI.number(flags, "--trials", 100, "a whole number of at least 1") { $0 >= 1 }
        var g = Generator(seed: try CLI.number(flags, "--seed", UInt64(1), "a whole number from 0"))
        if let dir = flags["--corpus"]?.last {
            try corpus(dir, m: m, n: n, trials: trials, g: &g)
            return
        }
        var plugin = Tally(), pair = Tally()
        for _ in 0..<trials {
            var ones = 0, n11 = 0, onesA = 0, onesB = 0
            for _ in 0..<n {
                let x = m.report(g.uniform() < 0.10, uniform: g.uniform())
                if x { ones += 1 }
                // The pair: both 5%, only A 5%, only B 25%, neither 65%.
                let u = g.uniform()
                let (a, b) = u < 0.05 ? (true, true) : u < 0.10 ? (true, false) : u < 0.35 ? (false, true) : (false, false)
                let ra = m.report(a, uniform: g.uniform()), rb = m.report(b, uniform: g.uniform())
                if ra { onesA += 1 }
                if rb { onesB += 1 }
                if ra && rb { n11 += 1 }
            }
            plugin.add(LDPEstimator.share(ones: ones, of: n, mechanism: m), truth: 0.10)
            pair.add(LDPEstimator.pairShare(n11: n11, n10: onesA - n11, n01: onesB - n11, n00: n - onesA - onesB + n11, mechanism: m),
                     truth: 0.05)
        }
        print("{\"epsilon\": \(e), \"instances\": \(n), \"trials\": \(trials), \"plugin_10pct\": \(plugin.json), \"pair_5pct\": \(pair.json)}")
    }

    static func corpus(_ dir: String, m: OptimizedUnaryEncoding, n: Int, trials: Int, g: inout Generator) throws(CLIFailure) {
        let layout = ComponentCatalog.benthos.pluginLayout
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            throw CLIFailure(code: .noInput, message: "\(dir): cannot be read")
        }
        var truths: [[Bool]] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            guard let data = FileManager.default.contents(atPath: (dir as NSString).appendingPathComponent(name)),
                  let usage = try? Summariser().usage(of: [ConfigSource(Array(data))]), !usage.counts.isEmpty else { continue }
            truths.append(layout.bits(of: usage))
        }
        guard !truths.isEmpty else { throw CLIFailure(code: .noInput, message: "\(dir): no config with components") }
        let width = layout.width
        let frequency = (0..<width).map { b in truths.filter { $0[b] }.count }
        let order = (0..<width).sorted { frequency[$0] > frequency[$1] }
        func near(_ share: Double) -> Int {
            order.min { abs(Double(frequency[$0]) / Double(truths.count) - share) < abs(Double(frequency[$1]) / Double(truths.count) - share) } ?? 0
        }
        let bits = [near(0.25), near(0.10), near(0.03)]
        var pairCounts: [(Int, Int, Int)] = []
        let top = Array(order.filter { $0 < layout.plugins.count }.prefix(20))
        for (i, a) in top.enumerated() {
            for b in top[(i + 1)...] { pairCounts.append((a, b, truths.filter { $0[a] && $0[b] }.count)) }
        }
        let pairs = pairCounts.sorted { $0.2 > $1.2 }.prefix(2).map { ($0.0, $0.1) }
        var plugins = [Tally](repeating: Tally(), count: bits.count), pairTallies = [Tally](repeating: Tally(), count: pairs.count)
        for _ in 0..<trials {
            var trueOnes = [Int](repeating: 0, count: bits.count), ones = trueOnes
            var trueBoth = [Int](repeating: 0, count: pairs.count), n11 = trueBoth, ra = trueBoth, rb = trueBoth
            for _ in 0..<n {
                let truth = truths[Int(g.next() % UInt64(truths.count))]
                var reported: [Int: Bool] = [:]
                func report(_ b: Int) -> Bool {
                    if let r = reported[b] { return r }
                    let r = m.report(truth[b], uniform: g.uniform())
                    reported[b] = r
                    return r
                }
                for (k, b) in bits.enumerated() {
                    if truth[b] { trueOnes[k] += 1 }
                    if report(b) { ones[k] += 1 }
                }
                for (k, (a, b)) in pairs.enumerated() {
                    if truth[a] && truth[b] { trueBoth[k] += 1 }
                    let (x, y) = (report(a), report(b))
                    if x { ra[k] += 1 }
                    if y { rb[k] += 1 }
                    if x && y { n11[k] += 1 }
                }
            }
            for k in bits.indices {
                plugins[k].add(LDPEstimator.share(ones: ones[k], of: n, mechanism: m), truth: Double(trueOnes[k]) / Double(n))
            }
            for k in pairs.indices {
                pairTallies[k].add(LDPEstimator.pairShare(n11: n11[k], n10: ra[k] - n11[k], n01: rb[k] - n11[k],
                                                          n00: n - ra[k] - rb[k] + n11[k], mechanism: m),
                                   truth: Double(trueBoth[k]) / Double(n))
            }
        }
        let pluginText = bits.enumerated().map { "\"\(layout.label(ofBit: $0.element))\": \(plugins[$0.offset].json)" }
        let pairText = pairs.enumerated().map { "\"\(layout.label(ofBit: $0.element.0))+\(layout.label(ofBit: $0.element.1))\": \(pairTallies[$0.offset].json)" }
        print("{\"epsilon\": \(m.epsilon), \"instances\": \(n), \"trials\": \(trials), \"configs\": \(truths.count), "
              + "\"plugins\": {\(pluginText.joined(separator: ", "))}, \"pairs\": {\(pairText.joined(separator: ", "))}}")
    }
}
