import AnonymousSummary
import LocalPrivacy
import DifferentialPrivacy
import Primitives
import Foundation
import UsageReport
import CommandLineSupport

/// `anonymous-summary-dev dp-simulate [--releases R] [--epsilon E] [--delta D] [--max-plugins C] FILE`:
/// the private release's accuracy, measured. Reads a payload file (a generated population),
/// releases it R times with fresh noise from the system CSPRNG, and prints one JSON line with,
/// for the plugin whose share is nearest 10% and the pair whose share is nearest 5% (and over all
/// plugins used by at least 1% of instances), the 95th percentile of the error of the published
/// share, and how often the published 95% interval held the truth. Behind `Scripts/bench
/// report-utility`.
enum DPSimulateCommand {
    static var usage: String { CommandTable.dpSimulate.help }

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let parsed = try CLI.parse(arguments, CommandTable.dpSimulate)
        let (flags, operands) = (parsed.flags, parsed.operands)
        guard operands.count == 1 else { throw CLIFailure(code: .usage, message: usage) }
        let releases = try CLI.number(flags, "--releases", 200, "a whole number of at least 1") { $0 >= 1 }
        let epsilon = try CLI.number(flags, "--epsilon", 1.0, "a number above 0 and at most 50") { $0 > 0 && $0 <= 50 }
        let delta = try CLI.number(flags, "--delta", 1e-7, "a number above 0 and below 0.01") { $0 > 0 && $0 < 0.01 }
        let maxPlugins = try CLI.number(flags, "--max-plugins", ContributionBounds.defaultMaxPlugins, "a whole number from 2 to 64") { $0 >= 2 && $0 <= 64 }
        let bounds = ContributionBounds(maxPlugins: maxPlugins)
        var builder = CollectedInstances()
        try CLI.readChunks(operands[0]) { builder.feed($0) }
        builder.endOfStream()
        var rng = BufferedSystemRandom()
        // The truth the releases are judged against: the bounded counts (the bound's own bias
        // is the operator's choice of C, measured apart as `cut`).
        let counts: BoundedCounts, cut: Int
        do { (counts, cut) = try builder.boundedCounts(bounds: bounds, using: &rng) } catch { throw CLIFailure(code: .software, message: error.description) }
        let index = builder.index
        let instances = counts.sums[FigureGroup.instances.position][0], pluginSums = counts.sums[FigureGroup.plugins.position]
        let pairSums = counts.sums[FigureGroup.pairs.position]
        let n = Double(instances)
        guard n > 0 else { throw CLIFailure(code: .dataError, message: "\(operands[0]): no instance") }
        let shares = pluginSums.map { Double($0) / n }
        let plugin = shares.indices.min { abs(shares[$0] - 0.10) < abs(shares[$1] - 0.10) } ?? 0
        let pairs = (0..<index.count).flatMap { a in ((a + 1)..<index.count).map { (a, $0) } }.filter { pairSums[index.pairIndex($0.0, $0.1)] > 0 }
        let (pa, pb) = pairs.min { abs(Double(pairSums[index.pairIndex($0.0, $0.1)]) / n - 0.05) < abs(Double(pairSums[index.pairIndex($1.0, $1.1)]) / n - 0.05) } ?? (0, 1)
        let pairShare = Double(pairSums[index.pairIndex(pa, pb)]) / n
        let common = shares.indices.filter { shares[$0] >= 0.01 }
        var pluginErrors: [Double] = [], pairErrors: [Double] = [], allErrors: [Double] = []
        var pluginCovered = 0, pairCovered = 0
        let clock = ContinuousClock()
        var seconds = 0.0
        for _ in 0..<releases {
            let start = clock.now
            let report: PrivateReport
            do {
                report = try PrivateReport.release(counts, index: index, bounds: bounds, epsilon: epsilon, delta: delta, using: &rng)
            } catch {
                throw CLIFailure(code: .usage, message: error.description)
            }
            seconds += BenchCommand.seconds(clock.now - start)
            let s = report.share(of: report.pluginInstances[plugin], .plugins)
            pluginErrors.append(abs(s.estimate - shares[plugin]))
            if s.low <= shares[plugin] && shares[plugin] <= s.high { pluginCovered += 1 }
            let ps = report.share(of: report.pairs[report.pairIndex(pa, pb)], .pairs)
            pairErrors.append(abs(ps.estimate - pairShare))
            if ps.low <= pairShare && pairShare <= ps.high { pairCovered += 1 }
            for p in common { allErrors.append(abs(report.share(of: report.pluginInstances[p], .plugins).estimate - shares[p])) }
        }
        func p95(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.sorted()[min(x.count - 1, Int(0.95 * Double(x.count)))] }
        let r = Double(releases)
        print("{\"instances\":\(instances),\"cut\":\(cut),\"releases\":\(releases),\"epsilon\":\(epsilon),\"delta\":\(delta),"
              + "\"max_plugins\":\(bounds.maxPlugins),\"plugin\":\"\(builder.index.names[plugin])\",\"plugin_share\":\(shares[plugin]),"
              + "\"plugin_p95_error\":\(p95(pluginErrors)),\"plugin_coverage\":\(Double(pluginCovered) / r),"
              + "\"pair\":\"\(builder.index.names[pa])+\(builder.index.names[pb])\",\"pair_share\":\(pairShare),"
              + "\"pair_p95_error\":\(p95(pairErrors)),\"pair_coverage\":\(Double(pairCovered) / r),"
              + "\"common_plugins\":\(common.count),\"common_p95_error\":\(p95(allErrors)),\"seconds_per_release\":\(seconds / r)}")
    }
}
