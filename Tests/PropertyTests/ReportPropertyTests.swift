import Primitives
import LocalPrivacy
import TestSupport
import AnonymousSummary
import SummaryChecks
import UsageReport
import XCTest

/// A population of instances: each a generated config, summarised by the real summariser and
/// sent one or more times (growing uptimes), as a collector would store it.
struct Population {
    struct Member {
        var id: InstanceID
        var expected: Expected
        var uptimes: [UInt64]
        var lines: [String]
    }

    var members: [Member]
    var lines: [String] { members.flatMap(\.lines) }
}

final class ReportPropertyTests: XCTestCase {
    static var populations: Gen<Population> { Gen { source in
        var members: [Population.Member] = []
        let count = Int(source.draw(24)) + 1
        for _ in 0..<count {
            let c = AnonymityPropertyTests.cases.run(source)
            var rng = SplitMix64(seed: source.draw(UInt64.max))
            let id = InstanceID.random(using: &rng)
            guard let usage = try? Subjects.summariser.usage(of: [ConfigSource(Array(c.text.utf8))]) else { continue }
            var uptime = source.draw(700_000)
            var uptimes: [UInt64] = []
            var lines: [String] = []
            for _ in 0...Int(source.draw(3)) {
                uptimes.append(uptime)
                lines.append(Summary(id: id, uptimeSeconds: uptime, usage: usage).jsonString())
                uptime += source.draw(200_000)
            }
            members.append(Population.Member(id: id, expected: c.config.expected, uptimes: uptimes, lines: lines))
        }
        return Population(members: members)
    } }

    static func report(_ lines: [String], k: Int) -> ExactReport {
        var builder = CollectedInstances()
        builder.add(text: Array(lines.joined(separator: "\n").utf8))
        return builder.exactReport(minInstances: k)
    }

    static func show(_ p: Population) -> String {
        p.lines.joined(separator: "\n")
    }

    /// The report's counts equal counts made directly from the generator's model of each config
    /// (not from the summariser): instances, plugins (instances and components), pairs,
    /// unlisted and malformed per kind, uptime buckets.
    func testTheReportCountsWhatThePopulationUses() {
        check(Property(name: "report counts", gen: Self.populations, check: { p in
            let report = Self.report(p.lines, k: 1)
            var instances: [String: Int] = [:], components: [String: Int] = [:], pairs: [String: Int] = [:]
            var unlisted: [ComponentKind: Int] = [:], malformed: [ComponentKind: Int] = [:]
            var buckets = [Int](repeating: 0, count: UptimeBucket.allCases.count)
            for m in p.members {
                let used = m.expected.counts.filter { $0.value > 0 }.keys.sorted()
                for name in used {
                    instances[name, default: 0] += 1
                    // A payload holds at most 4 entries of one plugin (the report's component bound).
                    components[name, default: 0] += min(m.expected.counts[name] ?? 0, Summary.maxEntriesPerPlugin)
                }
                for (i, a) in used.enumerated() { for b in used[(i + 1)...] { pairs["\(a)+\(b)", default: 0] += 1 } }
                for (k, n) in m.expected.unlisted where n > 0 { unlisted[k, default: 0] += 1 }
                for (k, n) in m.expected.malformed where n > 0 { malformed[k, default: 0] += 1 }
                buckets[UptimeBucket(seconds: m.uptimes.max() ?? 0).rawValue] += 1
            }
            guard report.instances == p.members.count else { return "instances \(report.instances), expected \(p.members.count)" }
            guard report.rejected.isEmpty else { return "rejected \(report.rejected)" }
            var gotInstances: [String: Int] = [:], gotComponents: [String: Int] = [:], gotPairs: [String: Int] = [:]
            for f in report.plugins {
                gotInstances[f.plugin.description] = f.instances
                gotComponents[f.plugin.description] = f.components
            }
            for f in report.pairs {
                let (a, b) = (f.a.description, f.b.description)
                gotPairs[a < b ? "\(a)+\(b)" : "\(b)+\(a)"] = f.instances
            }
            if gotInstances != instances { return "plugin instances \(gotInstances), expected \(instances)" }
            if gotComponents != components { return "components \(gotComponents), expected \(components)" }
            if gotPairs != pairs { return "pairs \(gotPairs), expected \(pairs)" }
            var gotUnlisted: [ComponentKind: Int] = [:], gotMalformed: [ComponentKind: Int] = [:]
            for k in report.kinds {
                if let n = k.unlisted?.value { gotUnlisted[k.kind] = n }
                if let n = k.malformed?.value { gotMalformed[k.kind] = n }
            }
            if gotUnlisted != unlisted { return "unlisted \(gotUnlisted), expected \(unlisted)" }
            if gotMalformed != malformed { return "malformed \(gotMalformed), expected \(malformed)" }
            let gotBuckets = report.uptime.map { $0.value ?? -1 }
            if gotBuckets != buckets { return "uptime buckets \(gotBuckets), expected \(buckets)" }
            return nil
        }), defaultIterations: 300, show: Self.show)
    }

    /// Shuffling the lines and repeating some never changes the report (only the line and
    /// payload totals, which count lines).
    func testShufflingAndDuplicatingLinesNeverChangeTheReport() {
        let gen = Gen<(Population, UInt64, Int)> { source in
            (Self.populations.run(source), source.draw(UInt64.max), Int(source.draw(12)) + 1)
        }
        check(Property(name: "order and duplicates", gen: gen, check: { value in
            let (p, seed, k) = value
            var rng = SplitMix64(seed: seed)
            var lines = p.lines
            for _ in 0..<lines.count where Bool.random(using: &rng) { lines.append(lines[Int.random(in: 0..<lines.count, using: &rng)]) }
            lines.shuffle(using: &rng)
            func body(_ json: String) -> String {
                json.split(separator: "\n").filter { !$0.contains(#""lines""#) && !$0.contains(#""payloads""#) }.joined(separator: "\n")
            }
            let before = body(Self.report(p.lines, k: k).json())
            let after = body(Self.report(lines, k: k).json())
            return before == after ? nil : "the report changed:\n\(before)\n---\n\(after)"
        }), defaultIterations: 200, show: { Self.show($0.0) })
    }

    /// With any K, every published count is at least K, and everything under K is counted as
    /// suppressed, in every format's source (the report value the formats render).
    func testNoPublishedFigureRestsOnFewerThanKInstances() {
        let gen = Gen<(Population, Int)> { source in (Self.populations.run(source), Int(source.draw(6)) + 1) }
        check(Property(name: "threshold", gen: gen, check: { value in
            let (p, k) = value
            let all = Self.report(p.lines, k: 1)
            let report = Self.report(p.lines, k: k)
            if let low = report.plugins.first(where: { $0.instances < k }) { return "\(low.plugin) published with \(low.instances)" }
            if let low = report.pairs.first(where: { $0.instances < k }) { return "\(low.a)+\(low.b) published with \(low.instances)" }
            for f in report.kinds {
                for figure in [f.unlisted, f.malformed] { if let n = figure?.value, n < k { return "\(f.kind) count \(n) published" } }
            }
            if let n = report.uptime.compactMap(\.value).first(where: { $0 > 0 && $0 < k }) { return "uptime bucket \(n) published" }
            let hiddenPlugins = all.plugins.filter { $0.instances < k }.count
            let hiddenPairs = all.pairs.filter { $0.instances < k }.count
            if report.suppressed.plugins != hiddenPlugins { return "suppressed plugins \(report.suppressed.plugins), expected \(hiddenPlugins)" }
            if report.suppressed.pairs != hiddenPairs { return "suppressed pairs \(report.suppressed.pairs), expected \(hiddenPairs)" }
            if report.plugins.count + hiddenPlugins != all.plugins.count { return "plugins lost" }
            return nil
        }), defaultIterations: 200, show: { Self.show($0.0) })
    }
}
