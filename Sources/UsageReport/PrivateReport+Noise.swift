import LocalPrivacy
import DifferentialPrivacy
import Primitives
/// Saying when the numbers are noise. A release of a few hundred instances prints figures like
/// `Instances: 29 ± 44`, a negative uptime bucket or `COMPONENTS -411 ± 494`: true to the
/// mechanism, and useless to a reader who is not told. What is said is a function of the noisy
/// values and public parameters only, like everything else in the release.
extension PrivateReport {
    /// Below this many instances (the noisy count) a release says little: a 10% plugin's share is
    /// known to about ± 4 points at 1,000 instances (ε = 1, docs/report.md), most pairs cannot
    /// pass their display threshold (219 at the defaults), and the instance count's own ± 44 is a
    /// large part of it.
    public static let usefulInstances = 1_000

    /// A printed figure whose 95% half-width exceeds its value.
    public struct NoiseDominatedFigure: Sendable, Equatable, CustomStringConvertible {
        /// What it is: `instances`, `uptime < 1 hour`, `processor/mapping components`.
        public let name: String
        public let count: NoisyCount
        public var description: String { "\(name) \(PrivateReport.countText(count))" }
    }

    /// The figures a reader takes at face value whose 95% half-width exceeds them: the instance
    /// count, each uptime bucket, and the components of each plugin shown (above its display
    /// threshold). Figures that are expected to be about 0 (conflicts, unlisted and malformed
    /// counts, plugins and pairs under their display threshold) are not listed: that their
    /// interval holds 0 is what they say.
    public var noiseDominated: [NoiseDominatedFigure] {
        var out: [NoiseDominatedFigure] = []
        func check(_ name: String, _ c: NoisyCount) {
            if Int64(c.halfWidth95) > c.value { out.append(NoiseDominatedFigure(name: name, count: c)) }
        }
        check("instances", instances)
        for bucket in UptimeBucket.allCases { check("uptime \(bucket.label)", uptime[bucket.rawValue]) }
        for p in 0..<index.count where shows(plugin: p) { check("\(index.names[p]) components", componentCount(p)) }
        return out
    }

    /// One line for the operator when the release is mostly noise (its noisy instance count is
    /// below `usefulInstances`, or a figure of `noiseDominated` exists), nil otherwise. It says
    /// what; what to do about it (collect longer; the exact view for the operator) is the
    /// caller's to add.
    public var noiseWarning: String? {
        let figures = noiseDominated
        let few = instances.value < Int64(Self.usefulInstances)
        guard few || !figures.isEmpty else { return nil }
        var listed = figures.prefix(3).map(\.description).joined(separator: ", ")
        if figures.count > 3 { listed += " and \(figures.count - 3) more" }
        let smaller = figures.isEmpty ? "" :
            "\(Format.plural(figures.count, "printed figure")) \(figures.count == 1 ? "is" : "are") smaller than \(figures.count == 1 ? "its" : "their") 95% half-width (\(listed))"
        if few {
            return "this release is mostly noise: it rests on \(Self.countText(instances)) instances, fewer than the "
                + "\(Format.grouped(Self.usefulInstances)) a release needs to say much" + (smaller.isEmpty ? "" : "; " + smaller)
        }
        return smaller + ": read them as noise"
    }
}
