import Primitives
import DifferentialPrivacy
import LocalPrivacy
import AnonymousSummary
import SummaryChecks
@testable import UsageReport
import XCTest

/// The per-instance privacy ledger, through the library a collector service calls.
final class PrivacyLedgerTests: XCTestCase {
    let index = PrivateReportTests.small
    let rho1 = PrivacyAccounting.rho(epsilon: 1, delta: 1e-7)

    func builder(_ ids: Range<Int>) -> CollectedInstances {
        PrivateReportTests.builder(ids.map { PrivateReportTests.line($0, ["input/in1", "processor/p2"]) }, index: index)
    }

    func release(_ b: CollectedInstances, _ store: InMemoryLedgerStore, budget: Double? = nil, delta: Double = 1e-7,
                 seed: UInt64 = 1) throws(PrivacyLedgerError) -> ChargedRelease {
        var g = SplitMix64(seed: seed)
        return try PrivacyLedger.release(b, store: store, epsilon: 1, delta: delta, bounds: ContributionBounds(),
                                         budget: budget, note: "test", using: &g)
    }

    /// Each instance is charged each release it is in; one whose spend would pass the cap is
    /// left out before the noise is drawn; when all are, the release is refused and nothing is
    /// stored.
    func testEachInstanceIsChargedAndLeftOutAtItsOwnCap() throws {
        let store = InMemoryLedgerStore()
        let cap = PrivacyAccounting.epsilon(rho: 2 * rho1, delta: 1e-7) * 1.0001
        let first = try release(builder(0..<10), store, budget: cap)
        XCTAssertEqual(first.leftOut, 0)
        XCTAssertEqual(first.ledger.instanceCount, 10)
        _ = try release(builder(0..<5), store)
        // Instances 0–4 have spent two releases, 5–9 one, 10–14 none.
        let third = try release(builder(0..<15), store)
        XCTAssertEqual(third.instancesRead, 15)
        XCTAssertEqual(third.leftOut, 5)
        let ledger = try PrivacyLedger(reading: try XCTUnwrap(store.bytes))
        XCTAssertLessThanOrEqual(ledger.mostSpent, ledger.rhoCap)
        let before = store.bytes
        XCTAssertThrowsError(try release(builder(0..<10), store)) { error in
            guard case .everyInstanceSpent(let n, _, _, _, _) = error as? PrivacyLedgerError else { return XCTFail("\(error)") }
            XCTAssertEqual(n, 10)
        }
        XCTAssertEqual(store.bytes, before, "a refused release stores nothing")
        XCTAssertThrowsError(try release(CollectedInstances(index: index), store)) { error in
            XCTAssertEqual(error as? PrivacyLedgerError, .noInstance)
        }
    }

    /// The instances the release was made over are exactly those admitted: a left-out instance's
    /// plugin is not counted.
    func testALeftOutInstanceIsNotInTheFigures() throws {
        let store = InMemoryLedgerStore()
        let cap = PrivacyAccounting.epsilon(rho: rho1, delta: 1e-7) * 1.0001  // one release each
        _ = try release(builder(0..<1), store, budget: cap)
        var b = builder(0..<1)
        b.add(text: Array((PrivateReportTests.line(1, ["input/in_rare"]) + "\n").utf8))
        var admitted = b
        let ledger = try PrivacyLedger(reading: try XCTUnwrap(store.bytes))
        admitted.keepInstances { ledger.admits($0.instanceKey, rho: self.rho1) }
        XCTAssertEqual(admitted.instanceCount, 1)
        let rare = try XCTUnwrap(index.catalog.plugin(named: "in_rare", kind: .input).flatMap(index.number(of:)))
        let in1 = try XCTUnwrap(index.catalog.plugin(named: "in1", kind: .input).flatMap(index.number(of:)))
        XCTAssertEqual(admitted.aggregates().pluginInstances[rare], 1)
        XCTAssertEqual(admitted.aggregates().pluginInstances[in1], 0, "instance 0 has spent its budget")
    }

    /// δ is fixed when the ledger is made; the cap can be lowered, never raised; counts of
    /// unknown instances are charged to everyone and refused when anyone would pass the cap.
    func testDeltaCapAndCountsOfUnknownInstances() throws {
        let store = InMemoryLedgerStore()
        _ = try release(builder(0..<3), store, delta: 0.009)
        XCTAssertThrowsError(try release(builder(0..<3), store)) { error in
            XCTAssertEqual(error as? PrivacyLedgerError, .deltaMismatch(ledger: 0.009, asked: 1e-7))
        }
        XCTAssertThrowsError(try release(builder(0..<3), store, budget: 4, delta: 0.009)) { error in
            XCTAssertEqual(error as? PrivacyLedgerError, .capRaised(ledger: 3, asked: 4))
        }
        let counts = InMemoryLedgerStore()
        let cap = PrivacyAccounting.epsilon(rho: 2 * rho1, delta: 1e-7) * 1.0001
        _ = try release(builder(0..<3), counts, budget: cap)
        var g = SplitMix64(seed: 3)
        let file = CountsFile(counts: try builder(0..<3).boundedCounts(bounds: ContributionBounds(), using: &g).counts,
                              index: index, bounds: ContributionBounds())
        let (_, after) = try PrivacyLedger.release(counts: file, store: counts, epsilon: 1, delta: 1e-7,
                                                   budget: nil, note: "", using: &g)
        XCTAssertGreaterThan(after.sharedRho, 0)
        // Every instance, known or new, has now spent at least the shared ρ.
        XCTAssertEqual(after.spent(by: InstanceKey(high: 1, low: 2)), after.sharedRho)
        XCTAssertThrowsError(try PrivacyLedger.release(counts: file, store: counts, epsilon: 1, delta: 1e-7,
                                                       budget: nil, note: "", using: &g)) { error in
            guard case .unidentifiedReleaseRefused = error as? PrivacyLedgerError else { return XCTFail("\(error)") }
        }
    }

    /// The bytes read back as the same ledger; anything cut short or edited is refused, never
    /// read as a smaller spend.
    func testTheBytesAreReadStrictly() throws {
        let store = InMemoryLedgerStore()
        _ = try release(builder(0..<50), store)
        _ = try release(builder(20..<60), store)
        let bytes = try XCTUnwrap(store.bytes)
        let ledger = try PrivacyLedger(reading: bytes)
        XCTAssertEqual(ledger.bytes, bytes)
        XCTAssertEqual(ledger.instanceCount, 60)
        XCTAssertEqual(ledger.releases.count, 2)
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertFalse(text.contains("00000000-0000-4000-8000"), "no instance id is stored")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let spentLine = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("spent ") })
        let cases: [(String, [UInt8])] = [
            ("cut short", Array(bytes.dropLast(1))),
            ("cut at a line", Array(bytes.prefix(bytes.count - 20))),
            ("a spend line dropped", Array(lines.enumerated().filter { $0.offset != spentLine }.map(\.element).joined(separator: "\n").utf8)),
            ("not a ledger", Array("{\"releases\": []}\n".utf8)),
            ("no bytes of text", [0xFF, 0xFE, 0x0A]),
        ]
        for (what, bad) in cases {
            XCTAssertThrowsError(try PrivacyLedger(reading: bad), what) { error in
                guard case .unreadable = error as? PrivacyLedgerError else { return XCTFail("\(what): \(error)") }
            }
        }
    }
}
