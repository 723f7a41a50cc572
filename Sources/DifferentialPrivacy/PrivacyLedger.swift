import Primitives

/// Where a privacy ledger's bytes live, with exclusive access: a collector service backs it by
/// a file, a database row or memory. `update` hands `body` the stored bytes (nil when there are
/// none yet) and stores what it returns (nil: leave them as they are), with no other update of
/// the same ledger in between, whatever name or link it was reached by.
public protocol PrivacyLedgerStore {
    func update<R>(_ body: ([UInt8]?) throws(PrivacyLedgerError) -> (bytes: [UInt8]?, result: R)) throws(PrivacyLedgerError) -> R
}

/// A store in memory (tests, and services that persist the bytes themselves).
public final class InMemoryLedgerStore: PrivacyLedgerStore, @unchecked Sendable {
    public private(set) var bytes: [UInt8]?
    public init(bytes: [UInt8]? = nil) { self.bytes = bytes }
    public func update<R>(_ body: ([UInt8]?) throws(PrivacyLedgerError) -> (bytes: [UInt8]?, result: R)) throws(PrivacyLedgerError) -> R {
        let (new, result) = try body(bytes)
        if let new { bytes = new }
        return result
    }
}

public enum PrivacyLedgerError: Error, Equatable, CustomStringConvertible {
    /// The stored bytes are not a ledger this package wrote (or a write was cut short): the spent
    /// budget is unknown, so nothing may be released.
    case unreadable(String)
    /// The ledger was made at another δ: every release charged to it uses the ledger's δ.
    case deltaMismatch(ledger: Double, asked: Double)
    /// A cap can be lowered, never raised.
    case capRaised(ledger: Double, asked: Double)
    /// No instance of the release could be charged without passing its own cap.
    case everyInstanceSpent(instances: Int, rhoCap: Double, release: Double, epsilonCap: Double, delta: Double)
    /// A release whose instances are not known (a counts file, a DAP sum) would pass the cap of
    /// some instance the ledger knows, or the cap itself.
    case unidentifiedReleaseRefused(worstSpent: Double, release: Double, rhoCap: Double, epsilonCap: Double, delta: Double)
    /// No instance was read: nothing is released and nothing charged.
    case noInstance
    /// The store could not be read or written; nothing was charged.
    case store(String)
    /// The release itself could not be made (bad parameters); nothing was charged.
    case release(String)

    public var description: String {
        func f(_ x: Double) -> String { PrivacyLedger.short(x) }
        switch self {
        case .unreadable(let why):
            return "not a privacy ledger this tool wrote (\(why)); refusing to release: the spent budget is unknown"
        case .deltaMismatch(let ledger, let asked):
            return "the ledger accounts at δ = \(ledger) and this release asks for δ = \(asked): releases charged to it use its δ (--delta \(ledger))"
        case .capRaised(let ledger, let asked):
            return "--budget \(asked) is above the ledger's cap of ε = \(ledger): a cap can be lowered, never raised"
        case .everyInstanceSpent(let n, let cap, let rho, let eps, let delta):
            return "refused: each of the \(n) instances read has spent too much to be in this release (ρ = \(f(rho)) more would pass "
                + "its cap of ρ = \(f(cap)), ε = \(eps) at δ = \(delta)); nothing was released or charged. Their budget is spent for good: "
                + "instances that are not yet in the ledger (new processes) can still be released, and a smaller --epsilon spends less per release"
        case .unidentifiedReleaseRefused(let worst, let rho, let cap, let eps, let delta):
            return "refused: a release of counts whose instances are unknown is charged to every instance, and ρ = \(f(rho)) more "
                + "would bring the most spent one (ρ = \(f(worst))) past the cap of ρ = \(f(cap)), ε = \(eps) at δ = \(delta); "
                + "nothing was released or charged. A smaller --epsilon spends less"
        case .noInstance: return "no payload was accepted: nothing was released or charged"
        case .store(let why): return why
        case .release(let why): return why
        }
    }
}

/// An instance as the ledger knows it: 128 bits that identify it (a payload's random id). The
/// ledger keeps only a keyed hash of them.
public struct InstanceKey: Hashable, Sendable {
    public let high: UInt64
    public let low: UInt64
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}

/// A per-instance privacy ledger: what the private releases charged to it have spent on each
/// instance, in ρ (zero-concentrated DP), against one cap.
///
/// Two releases that include an instance compose for that instance: together they are
/// (ρ₁ + ρ₂)-zCDP for it, whatever files they were read from (next month's payloads of a
/// long-running process carry its id again). So a release charges its ρ to every instance it
/// includes, and leaves out any instance whose own spend would pass the cap: an individual
/// privacy filter (Feldman and Zrnic, "Individual Privacy Accounting via a Rényi Filter",
/// NeurIPS 2021), which keeps each instance's whole loss within the cap while instances still
/// under it go on being counted. A release of counts whose instances are unknown (a counts
/// file, a DAP collection) is charged to every instance, and is refused when it would take any
/// of them past the cap.
///
/// Instances are recorded by a keyed hash of their id (SipHash-2-4 under a random key kept in
/// the ledger), never by the id. The δ at which the cap is read is fixed when the ledger is
/// made; the cap (an ε at that δ) may be lowered, never raised.
///
/// What it cannot stop: an operator who deletes the ledger or charges releases to another one
/// (the operator holds the raw payloads anyway; the ledger protects against mistakes and keeps
/// the record an auditor reads, not against the operator).
public struct PrivacyLedger: Sendable, Equatable {
    public static let defaultBudget = 3.0
    static let header = "anonymous-summary privacy ledger 2"

    /// The δ at which the cap and every release are read.
    public let delta: Double
    /// The cap, an ε at `delta`.
    public private(set) var budgetEpsilon: Double
    /// The largest total ρ an instance may spend: the ρ whose ε at `delta` is the cap.
    public var rhoCap: Double { PrivacyAccounting.rho(epsilon: budgetEpsilon, delta: delta) }
    /// ρ charged to every instance by releases whose instances are unknown.
    public private(set) var sharedRho: Double
    /// One line a release: its ρ, the instances charged and left out, and the caller's note.
    public private(set) var releases: [String]
    private let key: (UInt64, UInt64)
    private var spent: [UInt64: Double]

    public static func == (a: PrivacyLedger, b: PrivacyLedger) -> Bool {
        a.delta == b.delta && a.budgetEpsilon == b.budgetEpsilon && a.sharedRho == b.sharedRho && a.releases == b.releases
            && a.key == b.key && a.spent == b.spent
    }

    /// A new, empty ledger with a fresh random key (from the system CSPRNG).
    public init(delta: Double, budgetEpsilon: Double = defaultBudget) {
        var g = SystemRandomNumberGenerator()
        self.init(delta: delta, budgetEpsilon: budgetEpsilon, key: (g.next(), g.next()))
    }

    package init(delta: Double, budgetEpsilon: Double, key: (UInt64, UInt64)) {
        self.delta = delta
        self.budgetEpsilon = budgetEpsilon
        self.key = key
        sharedRho = 0
        releases = []
        spent = [:]
    }

    /// A ledger of an earlier version that kept one total for a whole collection: that total is
    /// charged to every instance (it may have covered any of them).
    public init(migratingTotal rho: Double, releases count: Int, delta: Double, budgetEpsilon: Double) {
        self.init(delta: delta, budgetEpsilon: budgetEpsilon)
        sharedRho = rho
        record("rho=\(rho) charged=all", "migrated from a version 1 ledger of \(count) release\(count == 1 ? "" : "s")")
    }

    /// How many instances the ledger has charged.
    public var instanceCount: Int { spent.count }

    /// What `id` has spent: its own charges and those of releases of unknown instances.
    public func spent(by id: InstanceKey) -> Double { sharedRho + (spent[hash(id)] ?? 0) }

    /// The most any known instance has spent.
    public var mostSpent: Double { sharedRho + (spent.values.max() ?? 0) }

    func hash(_ id: InstanceKey) -> UInt64 {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: id.high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: id.low >> UInt64(shift))) }
        return SipHash24.hash(key: key.0, key.1, bytes)
    }

    /// Lowers the cap (a higher one is refused).
    public mutating func lowerCap(to epsilon: Double) throws(PrivacyLedgerError) {
        guard epsilon <= budgetEpsilon else { throw .capRaised(ledger: budgetEpsilon, asked: epsilon) }
        budgetEpsilon = epsilon
    }

    /// The instances of `ids` that can still spend `rho` (those that cannot are left out).
    public func admits(_ id: InstanceKey, rho: Double) -> Bool { spent(by: id) + rho <= rhoCap }

    /// Charges `rho` to each of `ids` and records the release with `note` (one line; line
    /// breaks are replaced).
    public mutating func charge(_ ids: [InstanceKey], rho: Double, leftOut: Int, note: String) {
        for id in ids { spent[hash(id), default: 0] += rho }
        record("rho=\(rho) charged=\(ids.count) left-out=\(leftOut)", note)
    }

    /// Charges `rho` to every instance (a release whose instances are unknown), or refuses when
    /// that would take any known instance, or a new one, past the cap.
    public mutating func chargeEveryone(rho: Double, note: String) throws(PrivacyLedgerError) {
        guard mostSpent + rho <= rhoCap else {
            throw .unidentifiedReleaseRefused(worstSpent: mostSpent, release: rho, rhoCap: rhoCap, epsilonCap: budgetEpsilon, delta: delta)
        }
        sharedRho += rho
        record("rho=\(rho) charged=all", note)
    }

    /// Records a release that spends no central ρ (an LDP release: its payloads carry their
    /// own local noise, and who sent one is not protected).
    public mutating func recordWithoutCharge(note: String) { record("rho=0 charged=none", note) }

    private mutating func record(_ what: String, _ note: String) {
        let clean = String(note.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
        releases.append(clean.isEmpty ? what : what + " " + clean)
    }

    // MARK: - Bytes

    /// The ledger as text: a header, its parameters, one line a release, then the instances'
    /// spends grouped by value, and a closing line that counts them (a cut-short write is
    /// refused, never read as a smaller spend).
    public var bytes: [UInt8] {
        var out = PrivacyLedger.header + "\n"
        out += "key \(hex(key.0))\(hex(key.1))\n"
        out += "delta \(delta)\n"
        out += "budget-epsilon \(budgetEpsilon)\n"
        out += "shared-rho \(sharedRho)\n"
        for release in releases { out += "release \(release)\n" }
        var groups: [Double: [UInt64]] = [:]
        for (h, rho) in spent { groups[rho, default: []].append(h) }
        for rho in groups.keys.sorted() {
            let hashes = groups[rho, default: []].sorted()
            var start = 0
            while start < hashes.count {
                let end = min(start + 1024, hashes.count)
                out += "spent \(rho)"
                for h in hashes[start..<end] { out += " " + hex(h) }
                out += "\n"
                start = end
            }
        }
        out += "end \(spent.count) instances \(releases.count) releases\n"
        return Array(out.utf8)
    }

    /// Reads what `bytes` wrote, strictly: any other line, value or count is refused.
    public init(reading input: [UInt8]) throws(PrivacyLedgerError) {
        guard let text = String(validating: input, as: UTF8.self) else { throw .unreadable("not UTF-8") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.last == "" else { throw .unreadable("it does not end with a line break: a write was cut short") }
        lines.removeLast()
        guard lines.first.map(String.init) == PrivacyLedger.header else {
            throw .unreadable(lines.first?.hasPrefix("{") == true ? "a JSON ledger of an earlier version" : "no ledger header")
        }
        func value(_ n: Int, _ name: String) throws(PrivacyLedgerError) -> Substring {
            guard n < lines.count, lines[n].hasPrefix(name + " ") else { throw .unreadable("line \(n + 1) is not '\(name) …'") }
            return lines[n].dropFirst(name.count + 1)
        }
        func number(_ n: Int, _ name: String) throws(PrivacyLedgerError) -> Double {
            guard let x = Double(try value(n, name)), x.isFinite, x >= 0 else { throw .unreadable("line \(n + 1): \(name) is not a number") }
            return x
        }
        let keyText = try value(1, "key")
        guard keyText.utf8.count == 32, let k0 = UInt64(keyText.prefix(16), radix: 16), let k1 = UInt64(keyText.suffix(16), radix: 16) else {
            throw .unreadable("line 2: the key is not 32 hex digits")
        }
        let delta = try number(2, "delta")
        let cap = try number(3, "budget-epsilon")
        guard delta > 0, delta < 0.01, cap > 0 else { throw .unreadable("δ or the cap is out of range") }
        self.init(delta: delta, budgetEpsilon: cap, key: (k0, k1))
        sharedRho = try number(4, "shared-rho")
        var n = 5
        while n < lines.count, lines[n].hasPrefix("release ") {
            releases.append(String(lines[n].dropFirst(8)))
            n += 1
        }
        while n < lines.count, lines[n].hasPrefix("spent ") {
            let fields = lines[n].split(separator: " ")
            guard fields.count >= 3, let rho = Double(fields[1]), rho.isFinite, rho >= 0 else { throw .unreadable("line \(n + 1): a bad spend") }
            for field in fields.dropFirst(2) {
                guard field.utf8.count == 16, let h = UInt64(field, radix: 16), spent.updateValue(rho, forKey: h) == nil else {
                    throw .unreadable("line \(n + 1): a bad or repeated instance")
                }
            }
            n += 1
        }
        guard n == lines.count - 1, lines[n] == "end \(spent.count) instances \(releases.count) releases" else {
            throw .unreadable("line \(n + 1): not the closing count of what came before: a write was cut short or the ledger was edited")
        }
    }

    private func hex(_ x: UInt64) -> String {
        let digits = String(x, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// 4 significant digits.
    package static func short(_ x: Double) -> String {
        guard x.isFinite, x != 0 else { return "\(x)" }
        var scale = 1.0
        while abs(x) * scale < 1000 { scale *= 10 }
        while abs(x) * scale >= 10000 { scale /= 10 }
        return "\((x * scale).rounded() / scale)"
    }
}

