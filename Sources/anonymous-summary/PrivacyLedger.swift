import AnonymousSummary
import Foundation
import UsageReport

/// A counts file read strictly: the shape of `schema/report-counts.schema.json` and nothing else.
struct CountsFile {
    struct ReadError: Error { var message: String }

    var bounds: ContributionBounds
    var aggregates: Aggregates

    static let maxCount = 1 << 53

    static func read(_ bytes: [UInt8], index: CatalogIndex) throws(ReadError) -> CountsFile {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            // Foundation's debug description says where (its localized one only that it failed).
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw ReadError(message: "not JSON" + (detail.map { " (\($0))" } ?? ""))
        }
        guard let root = object as? [String: Any] else { throw ReadError(message: "not a JSON object") }
        let known: Set<String> = ["counts", "version", "notice", "catalog", "bounds", "instances", "conflicts", "uptime", "plugins", "kinds", "pairs"]
        if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
            throw ReadError(message: "unknown key '\(unknown)'")
        }
        guard root["counts"] as? String == "anonymous-summary" else { throw ReadError(message: "not a counts file (\"counts\": \"anonymous-summary\" is missing)") }
        guard try integer(root["version"], "version") == 1 else { throw ReadError(message: "version is not 1 (this tool reads version 1)") }
        guard root["catalog"] as? String == index.layout.fingerprint else {
            throw ReadError(message: "made with another catalogue (its fingerprint is not \(index.layout.fingerprint))")
        }
        guard let b = root["bounds"] as? [String: Any], Set(b.keys) == ["max_plugins", "max_components"] else {
            throw ReadError(message: "bounds must be {\"max_plugins\", \"max_components\"}")
        }
        let c = try integer(b["max_plugins"], "bounds.max_plugins"), m = try integer(b["max_components"], "bounds.max_components")
        guard c >= 2, c <= 64, m >= 1, m <= 1_000 else { throw ReadError(message: "bounds out of range (max_plugins 2–64, max_components 1–1000)") }
        let bounds = ContributionBounds(maxPlugins: c, maxComponents: m)
        var agg = Aggregates(pluginCount: index.count)
        agg.instances = try integer(root["instances"], "instances")
        agg.conflicts = try integer(root["conflicts"], "conflicts")
        guard let uptime = root["uptime"] as? [String: Any], Set(uptime.keys) == Set(UptimeBucket.allCases.map(\.key)) else {
            throw ReadError(message: "uptime must have exactly the keys \(UptimeBucket.allCases.map(\.key).joined(separator: ", "))")
        }
        for bucket in UptimeBucket.allCases { agg.uptime[bucket.rawValue] = try integer(uptime[bucket.key], "uptime.\(bucket.key)") }
        func plugin(_ value: Any?, _ at: String) throws(ReadError) -> Int {
            guard let o = value as? [String: Any], Set(o.keys) == ["type", "name"], let t = o["type"] as? String, let n = o["name"] as? String,
                  let kind = ComponentKind(rawValue: t), let name = index.catalog.plugin(named: n, kind: kind), let number = index.number(of: name) else {
                throw ReadError(message: "\(at): not {\"type\", \"name\"} of a catalogue plugin")
            }
            return number
        }
        var seen = Set<Int>()
        for (i, entry) in try array(root["plugins"], "plugins").enumerated() {
            guard let o = entry as? [String: Any], Set(o.keys) == ["type", "name", "instances", "components"] else {
                throw ReadError(message: "plugins[\(i)]: must have exactly type, name, instances, components")
            }
            let p = try plugin(["type": o["type"] as Any, "name": o["name"] as Any], "plugins[\(i)]")
            guard seen.insert(p).inserted else { throw ReadError(message: "plugins[\(i)]: \(index.names[p]) appears twice") }
            agg.pluginInstances[p] = try integer(o["instances"], "plugins[\(i)].instances")
            agg.components[p] = try integer(o["components"], "plugins[\(i)].components")
        }
        var seenKinds = Set<Int>()
        for (i, entry) in try array(root["kinds"], "kinds").enumerated() {
            guard let o = entry as? [String: Any], Set(o.keys) == ["type", "unlisted", "malformed"], let t = o["type"] as? String,
                  let kind = ComponentKind(rawValue: t), let k = CatalogIndex.kinds.firstIndex(of: kind), seenKinds.insert(k).inserted else {
                throw ReadError(message: "kinds[\(i)]: must be {type, unlisted, malformed} of a kind, once each")
            }
            agg.unlisted[k] = try integer(o["unlisted"], "kinds[\(i)].unlisted")
            agg.malformed[k] = try integer(o["malformed"], "kinds[\(i)].malformed")
        }
        for (i, entry) in try array(root["pairs"], "pairs").enumerated() {
            guard let o = entry as? [String: Any], Set(o.keys) == ["a", "b", "instances"] else {
                throw ReadError(message: "pairs[\(i)]: must have exactly a, b, instances")
            }
            let a = try plugin(o["a"], "pairs[\(i)].a"), b = try plugin(o["b"], "pairs[\(i)].b")
            guard a != b else { throw ReadError(message: "pairs[\(i)]: a plugin paired with itself") }
            guard agg.pairs[Aggregates.pairKey(a, b)] == nil else { throw ReadError(message: "pairs[\(i)]: the pair appears twice") }
            agg.setPair(a, b, try integer(o["instances"], "pairs[\(i)].instances"))
        }
        return CountsFile(bounds: bounds, aggregates: agg)
    }

    static func integer(_ value: Any?, _ at: String) throws(ReadError) -> Int {
        // JSON true/false arrive as NSNumber too, of type "c" (char): refused.
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c",
              let d = Optional(number.doubleValue), d.rounded() == d, d >= 0, d <= Double(maxCount) else {
            throw ReadError(message: "\(at): needs a whole number from 0 to 2^53")
        }
        return Int(d)
    }

    static func array(_ value: Any?, _ at: String) throws(ReadError) -> [Any] {
        guard let a = value as? [Any] else { throw ReadError(message: "\(at): needs an array") }
        return a
    }
}

/// The privacy ledger (`--budget-file`): what the private releases of one collection have
/// spent, so that repeated releases are refused once their sum passes a cap.
///
/// Two releases of the same instances compose: subtracting one from the other, or averaging
/// them, is a function of both, and both together are only (ρ₁ + ρ₂)-zCDP. So every release on
/// the collection is charged, whatever files it read (a collection grows by appending; its
/// earlier files are in its later releases). The ledger records each release's inputs (SHA-256
/// and size, so an auditor can tell which data was released), its ε, δ, ρ and bound, and the LDP
/// groups' local ε (those payloads carry their own noise; their local guarantee does not weaken
/// with releases, but the group sizes are charged in ρ like every other figure).
enum PrivacyLedger {
    static let defaultBudget = 3.0

    struct Input {
        var name: String
        var digest: [UInt8]
        var size: Int

        init(name: String, digest: [UInt8], size: Int) {
            self.name = name
            self.digest = digest
            self.size = size
        }

        init(name: String, bytes: [UInt8]) {
            self.init(name: name, digest: SHA256.hash(bytes), size: bytes.count)
        }
    }

    /// Charges `report` (a private release; nil for an LDP release, which spends no central ρ
    /// and is recorded with its groups' local ε) to the ledger at `path`, created if absent, or
    /// refuses (exit 65, nothing printed, the ledger unchanged) when the total would pass the
    /// cap. The cap is set by `--budget` when the ledger is made; later a `--budget` may only
    /// lower it. The ledger is locked (an exclusive lock on `path.lock`) from reading to the
    /// rename of its new version, so two releases at once are charged one after the other.
    static func charge(_ path: String, cap: Double?, report: PrivateReport?, inputs: [Input], ldp: [Double]) throws(CLIFailure) {
        let lockPath = path + ".lock"
        let lock = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw CLIFailure(code: .noInput, message: "\(lockPath): cannot be opened to lock the ledger") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            if errno != EINTR { throw CLIFailure(code: .noInput, message: "\(lockPath): the ledger cannot be locked (errno \(errno))") }
        }
        defer { flock(lock, LOCK_UN) }

        func unknown(_ why: String) -> CLIFailure {
            CLIFailure(code: .dataError, message: "\(path): not a privacy ledger this tool wrote (\(why)); refusing to release: the spent budget is unknown")
        }
        var root: [String: Any] = ["ledger": "anonymous-summary privacy ledger", "version": 1, "releases": [Any]()]
        var recordedCap: Double?
        var recordedDelta: Double?
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path),
                  let object = try? JSONSerialization.jsonObject(with: data), let existing = object as? [String: Any] else { throw unknown("not JSON") }
            guard existing["ledger"] as? String == "anonymous-summary privacy ledger", existing["version"] as? Int == 1 else { throw unknown("no ledger header") }
            guard let releases = existing["releases"] as? [[String: Any]],
                  releases.allSatisfy({ ($0["rho"] as? NSNumber).map { $0.doubleValue >= 0 && $0.doubleValue.isFinite } ?? false }) else {
                throw unknown("a release without a valid ρ")
            }
            guard let b = (existing["budget_epsilon"] as? NSNumber)?.doubleValue, b.isFinite, b > 0,
                  let d = (existing["delta"] as? NSNumber)?.doubleValue, d.isFinite, d > 0, d < 0.01 else {
                throw unknown("no valid budget_epsilon or delta")
            }
            recordedCap = b
            recordedDelta = d
            root = existing
        }
        if let cap, let recordedCap, cap > recordedCap {
            throw CLIFailure(code: .usage, message: "\(path): --budget \(cap) is above the ledger's cap of ε = \(recordedCap): a cap can be lowered, never raised (start a new collection and ledger instead)")
        }
        var releases = root["releases"] as? [[String: Any]] ?? []
        let spent = releases.reduce(0.0) { $0 + (($1["rho"] as? NSNumber)?.doubleValue ?? 0) }
        let budget = cap ?? recordedCap ?? defaultBudget
        let delta = recordedDelta ?? report?.delta ?? 1e-7
        let rho = report?.rhoSpent ?? 0
        let total = spent + rho
        let totalEpsilon = PrivacyAccounting.epsilon(rho: total, delta: delta)
        guard totalEpsilon.isFinite, totalEpsilon <= budget else {
            throw CLIFailure(code: .dataError, message: "\(path): refused: this release (ε = \(report.map { String($0.epsilon) } ?? "0"), ρ = \(fmt(rho))) "
                             + "would bring the \(CLI.plural(releases.count, "release")) charged so far (ρ = \(fmt(spent))) to ρ = \(fmt(total)), "
                             + "ε = \(fmt(totalEpsilon)) at δ = \(delta), over the ledger's budget of ε = \(budget); nothing was released. "
                             + "Releases of one collection add up (see docs/report.md, \"Repeated releases\").")
        }
        let stamp = ISO8601DateFormatter().string(from: Date())
        var entry: [String: Any] = [
            "at": stamp,
            "inputs": inputs.map { ["name": $0.name, "sha256": $0.digest.map { String(format: "%02x", $0) }.joined(), "bytes": $0.size] },
            "rho": rho,
        ]
        if let report {
            entry["release"] = "dp"
            entry["epsilon"] = report.epsilon
            entry["delta"] = report.delta
            entry["max_plugins"] = report.bounds.maxPlugins
            entry["max_components"] = report.bounds.maxComponents
        } else {
            entry["release"] = "ldp"
            entry["ldp_local_epsilons"] = ldp
            entry["note"] = "local guarantee only: no central ρ is spent, and none covers who sent an LDP payload"
        }
        releases.append(entry)
        root["releases"] = releases
        root["budget_epsilon"] = budget
        root["delta"] = delta
        root["spent_rho"] = total
        root["spent_epsilon"] = totalEpsilon
        guard let data = try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys]) else {
            throw CLIFailure(code: .software, message: "\(path): the ledger could not be encoded")
        }
        // Written beside it, then renamed over it: a crash leaves the old ledger or the new one.
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data + Data("\n".utf8)),
              rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CLIFailure(code: .noInput, message: "\(path): the ledger could not be written (nothing was released)")
        }
        CLI.printError("report: charged to \(path): ρ = \(fmt(rho)); \(CLI.plural(releases.count, "release")) so far, "
                       + "ρ = \(fmt(total)), ε = \(fmt(totalEpsilon)) of \(budget) at δ = \(delta)")
    }

    static func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
}
