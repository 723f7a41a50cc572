import Primitives
@testable import DifferentialPrivacy
import LocalPrivacy
import AnonymousSummary
import Foundation
import SummaryChecks
@testable import UsageReport
import XCTest

/// The private release: its accounting, its sensitivities, that every figure is noised, and the
/// attacks that broke the k-threshold, now failing.
final class PrivateReportTests: XCTestCase {
    static let benthos = CatalogIndex()

    /// A small catalogue for the attack (41 plugins, 820 pairs), so 200 releases stay cheap; the
    /// noise does not depend on the catalogue's size, only on the bounds and the budget.
    static let small: CatalogIndex = {
        let inputs: [StaticString] = ["in0", "in1", "in2", "in3", "in4", "in5", "in6", "in7", "in8", "in9", "in_rare"]
        let processors: [StaticString] = ["p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9",
                                          "p10", "p11", "p12", "p13", "p14", "p15", "p16", "p17", "p18", "p19"]
        let outputs: [StaticString] = ["o0", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9"]
        let plugins = inputs.map { ComponentCatalog.Plugin(.input, $0) } + processors.map { ComponentCatalog.Plugin(.processor, $0) }
            + outputs.map { ComponentCatalog.Plugin(.output, $0) }
        let catalog = ComponentCatalog(layout: .init(mainConfig: [.init([.field("input")], .input)], resources: [], stream: []),
                                       reservedFields: [:], reservedChildren: [:], plugins: plugins)
        return CatalogIndex(catalog: catalog)
    }()

    static func line(_ n: Int, uptime: Int = 600, _ components: [String], unlisted: [String] = [], malformed: [String] = []) -> String {
        let hex = String(n, radix: 16)
        let id = "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
        let comps = components.map { c -> String in
            let parts = c.split(separator: "/")
            return #"{"type":"\#(parts[0])","name":"\#(parts[1])"}"#
        }
        var text = #"{"id":"\#(id)","uptime":\#(uptime),"components":[\#(comps.joined(separator: ","))]"#
        if !unlisted.isEmpty { text += #","unlisted":{"# + unlisted.map { #""\#($0)":2"# }.joined(separator: ",") + "}" }
        if !malformed.isEmpty { text += #","malformed":{"# + malformed.map { #""\#($0)":1"# }.joined(separator: ",") + "}" }
        return text + "}"
    }

    static func builder(_ lines: [String], index: CatalogIndex) -> CollectedInstances {
        var b = CollectedInstances(index: index)
        b.add(text: Array(lines.joined(separator: "\n").utf8))
        return b
    }

    // MARK: Accounting

    /// ρ of a release is the sum over its groups of Δ²/(2σ²), read
    /// from the σ² actually sampled; it stays within the budget (ε, δ) allows; each Δ² is the
    /// documented one; and every group is present.
    func testTheReleaseSpendsWhatItsNoiseCostsAndNoMore() throws {
        let lines = (0..<50).map { Self.line($0, ["input/kafka", "processor/mapping", "output/aws_s3"]) }
        let b = Self.builder(lines, index: Self.benthos)
        var g = SplitMix64(seed: 1)
        for (epsilon, delta, c) in [(1.0, 1e-7, 8), (0.5, 1e-9, 4), (4.0, 1e-6, 12), (1.0, 1e-7, 2)] {
            let (report, _) = try b.privateReport(epsilon: epsilon, delta: delta, bounds: ContributionBounds(maxPlugins: c), using: &g)
            XCTAssertEqual(report.groups.map(\.group), FigureGroup.allCases)
            var sum = 0.0
            for group in report.groups {
                XCTAssertEqual(group.rho, Double(group.sensitivitySquared) / (2 * group.noise.variance))
                XCTAssertLessThanOrEqual(group.rho, group.group.budgetShare * report.rhoBudget * (1 + 1e-12), "\(group.group)")
                sum += group.rho
            }
            let expected: [FigureGroup: Int] = [.instances: 1, .uptime: 1, .conflicts: 1, .plugins: c, .components: c * 16,
                                                .kinds: 18, .pairs: c * (c - 1) / 2]
            for group in report.groups { XCTAssertEqual(group.sensitivitySquared, expected[group.group], "\(group.group)") }
            XCTAssertEqual(report.rhoSpent, sum, accuracy: 1e-15)
            XCTAssertLessThanOrEqual(report.rhoSpent, report.rhoBudget)
            XCTAssertGreaterThan(report.rhoSpent, 0.99 * report.rhoBudget, "the budget is used, not wasted")
            XCTAssertLessThanOrEqual(report.epsilonSpent, epsilon * (1 + 1e-6))
            XCTAssertLessThanOrEqual(PrivacyAccounting.delta(rho: report.rhoSpent, epsilon: epsilon), delta * (1 + 1e-6))
        }
    }

    /// The conversion from ρ to (ε, δ) is never more generous than it can be: below the looser
    /// Bun–Steinke bound, and above the exact curve of the Gaussian mechanism (which is itself
    /// ρ-zCDP, so no valid conversion can claim a smaller δ for it).
    func testTheConversionSitsBetweenTheGaussianCurveAndBunSteinke() {
        func phi(_ x: Double) -> Double { x >= 0 ? 1 - LDPEstimator.upperTail(x) : LDPEstimator.upperTail(-x) }
        for rho in [0.001, 0.0202, 0.1, 0.5, 3.0] {
            for delta in [1e-5, 1e-7, 1e-9] {
                let epsilon = PrivacyAccounting.epsilon(rho: rho, delta: delta)
                XCTAssertLessThanOrEqual(epsilon, PrivacyAccounting.epsilonBunSteinke(rho: rho, delta: delta), "ρ \(rho) δ \(delta)")
                let mu = (2 * rho).squareRoot()
                let gaussianDelta = phi(-epsilon / mu + mu / 2) - Elementary.exp(epsilon) * phi(-epsilon / mu - mu / 2)
                XCTAssertLessThanOrEqual(gaussianDelta, delta * 1.000_001, "ρ \(rho) δ \(delta): the conversion claims less than a Gaussian gives")
                XCTAssertLessThan(PrivacyAccounting.rho(epsilon: epsilon, delta: delta), rho * 1.000_01)
            }
        }
        XCTAssertEqual(Elementary.log(Elementary.exp(1.234)), 1.234, accuracy: 1e-14)
        XCTAssertEqual(Elementary.log(1e-7), -16.118_095_650_958_32, accuracy: 1e-12)
    }

    // MARK: Sensitivity

    /// Adding one instance, whatever its payloads, changes each group's vector of bounded counts
    /// by at most its Δ in L2 norm, and an instance built for it reaches Δ exactly.
    func testOneInstanceMovesEachGroupByAtMostItsSensitivity() throws {
        let index = Self.benthos
        let bounds = ContributionBounds()
        var g = SplitMix64(seed: 42)
        let names = index.names.map { "\($0.kind.rawValue)/\($0.name)" }
        let kinds = CatalogIndex.kinds.map(\.rawValue)
        func random(_ count: Int) -> [String] {
            (0..<count).flatMap { _ in Array(repeating: names[g.int(names.count)], count: 1 + g.int(3)) }
        }
        var reachedAll = false
        for trial in 0..<120 {
            // A population whose instances have at most C plugins each (so its bounded counts
            // need no random draw), and one more instance of any size.
            var lines: [String] = []
            for n in 0..<g.int(30) {
                lines.append(Self.line(n, uptime: g.int(700_000), random(g.int(4)),
                                       unlisted: g.next() & 3 == 0 ? [kinds[g.int(9)]] : []))
            }
            let maximal = trial % 10 == 0
            let extra: [String]
            if maximal {
                // More than C plugins, each more than M times, every kind unlisted and malformed, two disagreeing payloads.
                let many = (0..<(bounds.maxPlugins + 3)).map { names[($0 * 37 + trial) % names.count] }
                extra = [Self.line(999_999, uptime: 9, many.flatMap { Array(repeating: $0, count: bounds.maxComponents + 2) },
                                   unlisted: kinds, malformed: kinds),
                         Self.line(999_999, uptime: 5, ["input/kafka"])]
            } else {
                extra = [Self.line(999_999, uptime: g.int(900_000), random(g.int(25)),
                                   unlisted: g.next() & 1 == 0 ? [kinds[g.int(9)]] : [],
                                   malformed: g.next() & 1 == 0 ? Array(kinds.prefix(g.int(10))) : [])]
            }
            var g1 = SplitMix64(seed: UInt64(trial)), g2 = SplitMix64(seed: UInt64(trial))
            let before = try Self.builder(lines, index: index).boundedCounts(bounds: bounds, using: &g1).counts
            let after = try Self.builder(lines + extra, index: index).boundedCounts(bounds: bounds, using: &g2).counts
            func d2(_ x: [Int], _ y: [Int]) -> Int { zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
            var moved: [FigureGroup: Int] = [:]
            for group in FigureGroup.allCases { moved[group] = d2(before.sums[group.position], after.sums[group.position]) }
            for group in FigureGroup.allCases {
                let bound = group.sensitivitySquared(bounds)
                XCTAssertLessThanOrEqual(moved[group] ?? .max, bound, "trial \(trial): \(group)")
                if maximal { XCTAssertEqual(moved[group], bound, "trial \(trial): \(group) should reach its bound") }
            }
            if maximal { reachedAll = true }
        }
        XCTAssertTrue(reachedAll)
    }

    // MARK: Every figure is noised

    /// Flattens a JSON value into path → number, keying array elements by their names (plugins
    /// by type/name, pairs by both) so that renderings with different noise line up.
    static func numbers(_ value: Any, _ path: String, into out: inout [String: Double]) {
        if let object = value as? [String: Any] {
            for (key, v) in object { numbers(v, path + "." + key, into: &out) }
        } else if let array = value as? [Any] {
            for (i, element) in array.enumerated() {
                var key = String(i)
                if let o = element as? [String: Any] {
                    if let t = o["type"] as? String { key = t + "/" + ((o["name"] as? String) ?? "") }
                    if let a = o["a"] as? [String: Any], let b = o["b"] as? [String: Any] {
                        key = "\(a["type"] ?? "")/\(a["name"] ?? "")+\(b["type"] ?? "")/\(b["name"] ?? "")"
                    }
                    if let f = o["figures"] as? String { key = f }
                }
                numbers(element, path + "[" + key + "]", into: &out)
            }
        } else if let n = value as? NSNumber, String(cString: n.objCType) != "c" {
            out[path] = n.doubleValue
        }
    }

    /// Six releases of one population with different noise: every number of the JSON that is not
    /// a public parameter differs in at least one of them. A figure published without noise
    /// would be the same six times.
    func testEveryPublishedNumberCarriesNoise() throws {
        var g0 = SplitMix64(seed: 3)
        var lines: [String] = []
        let common = ["input/kafka", "input/generate", "processor/mapping", "processor/log", "output/aws_s3", "output/stdout"]
        for n in 0..<3_000 {
            let pick = (0..<3).map { _ in common[g0.int(6)] }
            lines.append(Self.line(n, uptime: g0.int(900_000), pick, unlisted: n % 7 == 0 ? ["processor"] : []))
        }
        lines.append(Self.line(1, uptime: 5, ["input/kafka"]))  // a conflict
        // A group of 300 LDP payloads with random bits (the last hex digit ends in two 0 bits: padding).
        let hexDigits = Array("0123456789abcdef")
        let width = (Self.benthos.layout.width + 3) / 4
        let ldpLines = (0..<300).map { n -> String in
            let bits = String((0..<width).map { i in i == width - 1 ? hexDigits[4 * g0.int(4)] : hexDigits[g0.int(16)] })
            let hex = String(0x100000 + n, radix: 16)
            return #"{"id":"00000000-0000-4000-8000-000000\#(hex)","uptime":3600,"mechanism":"oue","epsilon":1.0986122886681098,"#
                + #""catalog":"\#(Self.benthos.layout.fingerprint)","bits":"\#(bits)"}"#
        }
        let b = Self.builder(lines + ldpLines, index: Self.benthos)
        var renders: [[String: Double]] = []
        for seed in 0..<6 as Range<UInt64> {
            var g = SplitMix64(seed: 100 + seed)
            let (report, _) = try b.privateReport(using: &g)
            let text = report.json()
            guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
                return XCTFail("not JSON: " + String(text.suffix(from: text.index(text.startIndex, offsetBy: 85_150)).prefix(900)))
            }
            var flat: [String: Double] = [:]
            Self.numbers(json, "", into: &flat)
            renders.append(flat)
        }
        let parameters = [".version", ".privacy.", ".pairs_display_threshold"]
        var checked = 0
        for (path, value) in renders[0] where !parameters.contains(where: { path.hasPrefix($0) }) {
            let all = renders.compactMap { $0[path] }
            guard all.count == renders.count else { continue }  // a pair shown in only some releases
            // A share or interval end clipped to 0 or 1 is a function of noisy values that can
            // repeat; the count it comes from is checked on its own.
            if all.allSatisfy({ $0 == 0 || $0 == 1 }) && (path.contains(".share") || path.contains(".ci95")) { continue }
            XCTAssertTrue(all.contains { $0 != value }, "\(path) is \(value) in six releases: not noised")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 1_000)
        XCTAssertNotNil(renders[0][".instances.estimate"])
        XCTAssertFalse(renders[0].keys.contains { $0.hasPrefix(".ldp") }, "LDP payloads are not in the private release")
    }

    // MARK: The attacks of the issue

    /// 500 ordinary instances, one that uses a rare input and three processors and an output no
    /// one else uses, and `fakes` fake instances naming every catalogue plugin. The attacker knows
    /// everything but the rare instance exactly (the others' bounded counts, the fakes' kept
    /// plugins included) and reads the release. Two attacks: plugins whose residual count is at
    /// least ½; and, knowing the target uses the rare input and four other plugins, the four with
    /// the highest combined evidence from the plugin and pair residuals.
    func attack(fakes: Int, releases: Int, epsilon: Double, noiseless: Bool = false) throws -> (private: Int, exact: Bool) {
        let index = Self.small
        var g0 = SplitMix64(seed: 9)
        var lines: [String] = []
        for n in 0..<500 {
            var comps = ["input/in\(g0.int(5))"]
            for _ in 0...g0.int(3) { comps.append("processor/p\(g0.int(10))") }
            comps.append("output/o\(g0.int(5))")
            lines.append(Self.line(n, uptime: 90_000, comps))
        }
        let target = ["input/in_rare", "processor/p15", "processor/p16", "processor/p17", "output/o8"]
        lines.append(Self.line(100_000, uptime: 90_000, target))
        let everything = index.names.map { "\($0.kind.rawValue)/\($0.name)" }
        for f in 0..<fakes { lines.append(Self.line(200_000 + f, uptime: 90_000, everything)) }
        let b = Self.builder(lines, index: index)
        let truth = Set(target.map { t in index.names.firstIndex { "\($0.kind.rawValue)/\($0.name)" == t }! })
        let rare = index.names.firstIndex { $0.name == "in_rare" }!

        // The exact report (k = 10): the fakes lift every pair with the rare input to `fakes`,
        // so the target's pairs are the ones at fakes + 1.
        let exact = b.exactReport(minInstances: 10)
        var guessed: Set<Int> = [rare]
        for p in exact.pairs(with: index.names[rare]) where p.instances - fakes >= 1 {
            guessed.insert(index.number(of: p.b)!)
        }
        let exactSucceeds = guessed == truth

        // The attacker reads the plugins' figures and the pairs' with the rare input, nothing
        // else: those are drawn as a release draws them (the bounded sum plus its group's
        // discrete Gaussian, `NoisyCounts.release`), with the noise calibrated once; the other
        // figures, independent of these, are not drawn. Same power, a fraction of the time.
        let bounds = ContributionBounds()
        let calibration = try PrivateReport.calibration(index: index, bounds: bounds, epsilon: epsilon)
        let pluginNoise = calibration.groups[FigureGroup.plugins.position].noise
        let pairNoise = calibration.groups[FigureGroup.pairs.position].noise
        var successes = 0
        for r in 0..<releases {
            var g = SplitMix64(seed: UInt64(1_000 + r))
            let counts = try b.boundedCounts(bounds: bounds, using: &g).counts
            let pluginSums = counts.sums[FigureGroup.plugins.position], pairSums = counts.sums[FigureGroup.pairs.position]
            // What the attacker knows: everything but the target's own (unbounded: it has 5 plugins) contribution.
            var restPlugins = pluginSums, restPairs = pairSums
            for p in truth { restPlugins[p] -= 1 }
            for p in truth { for q in truth where p < q { restPairs[index.pairIndex(p, q)] -= 1 } }
            // `noiseless`: the same figures without their noise (the bounded exact counts), to
            // show that the attacker is not toothless.
            func figure(_ sum: Int, _ noise: DiscreteGaussian) -> Int64 { Int64(sum) + (noiseless ? 0 : noise.sample(using: &g)) }
            let plugins = pluginSums.map { figure($0, pluginNoise) }
            func pairCount(_ a: Int, _ b: Int) -> Int64 { figure(pairSums[index.pairIndex(a, b)], pairNoise) }
            let rest = (pluginInstances: restPlugins, pairs: restPairs)
            let residual = (0..<index.count).map { Double(plugins[$0]) - Double(rest.pluginInstances[$0]) }
            let threshold = Set((0..<index.count).filter { residual[$0] >= 0.5 })
            let vp = pluginNoise.variance, vq = pairNoise.variance
            let scores = (0..<index.count).filter { $0 != rare }.map { p -> (Int, Double) in
                let pairResidual = Double(pairCount(rare, p)) - Double(rest.pairs[index.pairIndex(rare, p)])
                return (p, residual[p] / vp + pairResidual / vq)
            }.sorted { $0.1 > $1.1 }
            let top = Set(scores.prefix(4).map(\.0) + [rare])
            if threshold == truth || top == truth { successes += 1 }
        }
        return (successes, exactSucceeds)
    }

    func testFakeInstancesNoLongerRevealARareInstance() throws {
        for fakes in [9, 50] {
            let (successes, exact) = try attack(fakes: fakes, releases: 200, epsilon: 1)
            XCTAssertTrue(exact, "\(fakes) fakes: the attack recovers the rare instance from the exact view")
            XCTAssertLessThanOrEqual(successes, 10, "\(fakes) fakes: the private release gave the rare instance away in \(successes) of 200")
            print("attack with \(fakes) fakes: exact view recovered the instance; private release (ε = 1) in \(successes) of 200 releases")
        }
    }

    /// The same attacker is not toothless: on the same release without its noise (the bounded
    /// counts, fakes cut to C plugins and all) it recovers the instance every time.
    func testTheAttackerSucceedsWithoutTheNoise() throws {
        for fakes in [9, 50] {
            let (successes, _) = try attack(fakes: fakes, releases: 20, epsilon: 1, noiseless: true)
            XCTAssertEqual(successes, 20, "\(fakes) fakes, no noise: the attack should work")
        }
    }

    // MARK: Counts in, release out

    /// The counts file of the bounded aggregates releases the same figures (up to noise) as the
    /// payloads they came from: same noise seed, same release.
    func testACountsFileCarriesEveryBoundedCount() throws {
        var g = SplitMix64(seed: 5)
        let lines = (0..<40).map { Self.line($0, uptime: 7_200 * $0, ["input/kafka", "processor/mapping", "processor/mapping", "output/aws_s3"],
                                              unlisted: $0 % 3 == 0 ? ["output"] : []) }
        let b = Self.builder(lines, index: Self.benthos)
        let (counts, _) = try b.boundedCounts(bounds: ContributionBounds(), using: &g)
        let text = CountsFile(counts: counts, index: Self.benthos, bounds: ContributionBounds()).json
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(object["instances"] as? Int, 40)
        XCTAssertEqual((object["pairs"] as? [Any])?.count, 3)
        XCTAssertEqual((object["plugins"] as? [[String: Any]])?.first { $0["name"] as? String == "mapping" }?["components"] as? Int, 80)
        XCTAssertEqual(((object["kinds"] as? [[String: Any]])?.first)?["unlisted"] as? Int, 14)
        XCTAssertTrue(text.contains("NOT FOR PUBLICATION"))
        // Read back: the same sums, now attested by the file, under the bounds it records.
        let read = try CountsFile(reading: Array(text.utf8), index: Self.benthos)
        XCTAssertEqual(read.counts.sums, counts.sums)
        XCTAssertEqual(read.bounds, ContributionBounds())
        XCTAssertNil(counts.attestation, "bounded here")
        XCTAssertNotNil(read.counts.attestation, "a file's bound is its word")
        XCTAssertEqual(read.json, text)
    }

    /// The notes' ρ are printed as C's %.4g printed them.
    func testGeneralFormatIsPrintfs() {
        var g = SplitMix64(seed: 17)
        var values: [Double] = [0, 1, 0.5, 1e-5, 1.5e-5, 9.9995, 99995, 123456, 0.0001, 0.00009999, 3, 2.5e-3, 1e4, 9999.4, 9999.5]
        for _ in 0..<2_000 {
            let exponent = Int(g.next() % 14) - 8
            var x = Double(g.next() >> 11) * 0x1p-53
            for _ in 0..<abs(exponent) { x = exponent < 0 ? x / 10 : x * 10 }
            values.append(x)
        }
        for x in values { XCTAssertEqual(Format.general(x), String(format: "%.4g", x), "\(x)") }
    }
}

// MARK: Defined for every noisy value; saying when it is noise

extension PrivateReportTests {
    /// `report` with its counts replaced (the noise kept): instances, plugin and pair counts.
    static func with(_ r: PrivateReport, instances: Int64? = nil, uptime: [Int64]? = nil, plugins: [Int: Int64] = [:],
                     components: [Int: Int64] = [:], pairs: [Int: Int64] = [:]) -> PrivateReport {
        var p = r.pluginInstances, c = r.components, q = r.pairs
        for (i, v) in plugins { p[i] = v }
        for (i, v) in components { c[i] = v }
        for (i, v) in pairs { q[i] = v }
        return PrivateReport(figuresOf: r,
                             instances: instances.map { NoisyCount(value: $0, halfWidth95: r.instances.halfWidth95) } ?? r.instances,
                             conflicts: r.conflicts,
                             uptime: uptime.map { $0.map { NoisyCount(value: $0, halfWidth95: r.uptime[0].halfWidth95) } } ?? r.uptime,
                             pluginInstances: p, components: c, unlisted: r.unlisted, malformed: r.malformed, pairs: q)
    }

    /// Shares, confidences and lifts from every noisy value from −3 to +3 display thresholds
    /// (the instance count at −h, where a one-instance release printed `"ci95": [nan, …]`,
    /// included): finite, the estimate inside its interval, shares within [0, 1].
    func testDerivedFiguresAreDefinedForEveryNoisyValue() throws {
        var g = SplitMix64(seed: 11)
        let base = try PrivateReport.release(try Aggregates(pluginCount: Self.small.count).attested(index: Self.small, bounds: ContributionBounds()), index: Self.small, bounds: ContributionBounds(), using: &g)
        let hn = Int64(base.halfWidth(.instances, counts: 2)), hp = Int64(base.halfWidth(.plugins, counts: 2))
        let atIssue = Self.with(base, instances: -hn)
        XCTAssertFalse(atIssue.json().contains("nan"), "instances at -\(hn)")
        XCTAssertFalse(atIssue.csv().contains("nan"), "instances at -\(hn)")
        let range = Array(stride(from: -3 * hp, through: 3 * hp, by: 3)) + [-hn, -hn - 1, -hn + 1, -hp, hp, 0, 1, -1]
        var checked = 0
        for n in range {
            for x in range {
                let r = Self.with(base, instances: n, plugins: [0: x, 1: x + 7], pairs: [0: x / 2])
                for (what, d) in [("share", r.share(of: x, .plugins)), ("confidence", r.confidence(0, 1)),
                                  ("reverse confidence", r.confidence(1, 0)), ("lift", r.lift(0, 1))] {
                    let context = "\(what) at instances \(n), plugin \(x): \(d)"
                    XCTAssertTrue(d.estimate.isFinite && d.low.isFinite && d.high.isFinite, context)
                    XCTAssertTrue(d.low <= d.estimate && d.estimate <= d.high, context)
                    XCTAssertGreaterThanOrEqual(d.low, 0, context)
                    if what != "lift" { XCTAssertLessThanOrEqual(d.high, 1, context) }
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 10_000)
    }

    /// The issue's small release: `Instances: 29 ± 44`, a negative uptime bucket, a shown plugin
    /// with `COMPONENTS -411 ± 494`. The release lists them and says so in one line; a large
    /// release of common plugins says nothing.
    func testTheReleaseSaysWhenItsFiguresAreNoise() throws {
        var g = SplitMix64(seed: 12)
        let index = Self.benthos
        let mapping = try XCTUnwrap(index.names.firstIndex { $0.description == "processor/mapping" })
        let empty = try PrivateReport.release(try Aggregates(pluginCount: index.count).attested(index: index, bounds: ContributionBounds()), index: index, bounds: ContributionBounds(), using: &g)
        let small = Self.with(empty, instances: 29, uptime: [20, 30, -12, 3], plugins: [mapping: 120], components: [mapping: -411])
        XCTAssertEqual(small.noiseDominated.map(\.description).prefix(5),
                       ["instances 29 ± 44", "uptime < 1 hour 20 ± 49", "uptime < 1 day 30 ± 49", "uptime < 1 week -12 ± 49",
                        "uptime 1 week or more 3 ± 49"])
        XCTAssertTrue(small.noiseDominated.contains { $0.description == "processor/mapping components -411 ± 494" }, "\(small.noiseDominated)")
        let warning = try XCTUnwrap(small.noiseWarning)
        XCTAssertFalse(warning.contains("\n"))
        XCTAssertTrue(warning.hasPrefix("this release is mostly noise: it rests on 29 ± 44 instances, fewer than the 1,000"), warning)
        XCTAssertTrue(warning.contains("instances 29 ± 44, uptime < 1 hour 20 ± 49"), warning)

        // 300 real instances: not noise-dominated at ± 44, but below the size that says much.
        var agg = Aggregates(pluginCount: index.count)
        agg.instances = 300
        agg.uptime = [75, 75, 75, 75]
        let r300 = try PrivateReport.release(try agg.attested(index: index, bounds: ContributionBounds()), index: index, bounds: ContributionBounds(), using: &g)
        XCTAssertTrue(r300.noiseWarning?.hasPrefix("this release is mostly noise: it rests on ") ?? false, r300.noiseWarning ?? "nil")

        // 20,000 instances using four plugins with a component each: nothing to say.
        agg.instances = 20_000
        agg.uptime = [5_000, 5_000, 5_000, 5_000]
        let common = ["input/kafka", "processor/mapping", "processor/log", "output/aws_s3"].map { name in index.names.firstIndex { $0.description == name }! }
        for p in common { agg.pluginInstances[p] = 20_000; agg.components[p] = 20_000 }
        for a in common { for b in common where a < b { agg.pairs[Aggregates.pairKey(a, b)] = 20_000 } }
        let large = try PrivateReport.release(try agg.attested(index: index, bounds: ContributionBounds()), index: index, bounds: ContributionBounds(), using: &g)
        XCTAssertEqual(large.noiseDominated, [])
        XCTAssertNil(large.noiseWarning)
        // A shown plugin whose components are within their noise is named, without "mostly noise".
        let rare = Self.with(large, plugins: [mapping: 300], components: [mapping: 300])
        XCTAssertEqual(rare.noiseWarning, "1 printed figure is smaller than its 95% half-width (processor/mapping components 300 ± 494): read them as noise")
    }

    /// Every kind has its section in the table, with a line when none of its plugins is shown.
    func testEveryKindHasItsSectionInTheTable() throws {
        var g = SplitMix64(seed: 13)
        var agg = Aggregates(pluginCount: Self.benthos.count)
        agg.instances = 1
        let kafka = try XCTUnwrap(Self.benthos.names.firstIndex { $0.description == "input/kafka" })
        let r = Self.with(try PrivateReport.release(try agg.attested(index: Self.benthos, bounds: ContributionBounds()), index: Self.benthos, bounds: ContributionBounds(), using: &g), plugins: [kafka: 500])
        let table = r.table()
        XCTAssertTrue(table.contains("\ninput plugins (top 1 of "), table)
        for kind in CatalogIndex.kinds where kind != .input && !(0..<r.index.count).contains(where: { r.index.names[$0].kind == kind && r.shows(plugin: $0) }) {
            XCTAssertTrue(table.contains("\n\(kind.rawValue) plugins (none of "), "\(kind): \(table)")
            XCTAssertTrue(table.contains("\n  (no \(kind.rawValue) plugin's noisy count is above 80)"), "\(kind): \(table)")
        }
    }

    /// A chart that cannot draw every plugin says how many it left out: the private release's,
    /// the exact view's and the LDP release's.
    func testTheChartsSayHowManyPluginsTheyLeaveOut() throws {
        var g = SplitMix64(seed: 14)
        let processors = Self.small.names.indices.filter { Self.small.names[$0].kind == .processor }
        XCTAssertEqual(processors.count, 20)
        let empty = try PrivateReport.release(try Aggregates(pluginCount: Self.small.count).attested(index: Self.small, bounds: ContributionBounds()), index: Self.small, bounds: ContributionBounds(), using: &g)
        let dp = Self.with(empty, instances: 5_000, plugins: Dictionary(uniqueKeysWithValues: processors.map { ($0, 1_000) }))
        XCTAssertTrue(dp.svg().contains(">and 8 more processor plugins above the display threshold (see the table, JSON or CSV)<"), dp.svg())
        XCTAssertEqual(dp.svg(topPlugins: 20).components(separatedBy: "class=\"bar\"").count - 1, 20)
        XCTAssertFalse(dp.svg(topPlugins: 20).contains("more processor plugins"))

        let lines = (0..<30).map { Self.line($0, processors.map { "processor/\(Self.small.names[$0].name)" }) }
        let exact = Self.builder(lines, index: Self.small).exactReport(minInstances: 10)
        XCTAssertTrue(exact.svg().contains(">and 8 more processor plugins used by 10 instances or more (see the table, JSON or CSV)<"), exact.svg())

        // 40 LDP payloads reporting every bit: every plugin is distinguishable from 0, 41 of them.
        let width = (Self.small.layout.width + 3) / 4
        let bits = String(repeating: "f", count: width - 1) + ["8", "c", "e", "f"][(Self.small.layout.width - 1) % 4]
        let ldpLines = (0..<40).map { n -> String in
            let hex = String(0x100000 + n, radix: 16)
            return #"{"id":"00000000-0000-4000-8000-000000\#(hex)","uptime":3600,"mechanism":"oue","epsilon":1.0986122886681098,"#
                + #""catalog":"\#(Self.small.layout.fingerprint)","bits":"\#(bits)"}"#
        }
        let ldp = Self.builder(ldpLines, index: Self.small).exactReport(minInstances: 1)
        XCTAssertEqual(ldp.ldp.first?.instances, 40, "the LDP lines were read")
        XCTAssertTrue(ldp.ldpReleaseSVG().contains(">and 17 more plugins distinguishable from 0 (see the table, JSON or CSV)<"), ldp.ldpReleaseSVG())
    }
}

extension SplitMix64 {
    /// A uniform Int in 0..<n.
    mutating func int(_ n: Int) -> Int { Int(next(upperBound: UInt64(n))) }
}
