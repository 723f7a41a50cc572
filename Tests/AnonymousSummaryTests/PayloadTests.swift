import Primitives
import SummaryChecks
import TestSupport
import AnonymousSummary
import XCTest

/// The instance id and the payload's fixed shape.
final class PayloadTests: XCTestCase {
    func testInstanceIDIsARandomVersion4UUID() throws {
        var seen = Set<InstanceID>()
        for _ in 0..<1000 {
            let id = InstanceID.random()
            let text = id.description
            XCTAssertEqual(text.count, 36)
            let chars = Array(text)
            XCTAssertEqual([chars[8], chars[13], chars[18], chars[23]], ["-", "-", "-", "-"])
            XCTAssertEqual(chars[14], "4", "version 4")
            XCTAssertTrue("89ab".contains(chars[19]), "RFC 4122 variant")
            XCTAssertTrue(text.allSatisfy { "0123456789abcdef-".contains($0) })
            XCTAssertEqual(InstanceID(parsing: text), id)
            seen.insert(id)
        }
        XCTAssertEqual(seen.count, 1000)
    }

    func testRandomBitsReachEveryFreePosition() {
        // 122 random bits: over many ids every one of them is seen both set and clear.
        var ones = (UInt64(0), UInt64(0)), zeros = (UInt64(0), UInt64(0))
        for _ in 0..<512 {
            let id = InstanceID.random()
            ones.0 |= id.high; ones.1 |= id.low
            zeros.0 |= ~id.high; zeros.1 |= ~id.low
        }
        let fixedHigh: UInt64 = 0xF000, fixedLow: UInt64 = 0xC000_0000_0000_0000
        XCTAssertEqual(ones.0 & zeros.0 | fixedHigh, UInt64.max)
        XCTAssertEqual(ones.1 & zeros.1 | fixedLow, UInt64.max)
    }

    func testParsingRefusesWhatIsNotAVersion4UUID() {
        XCTAssertNil(InstanceID(parsing: "not-a-uuid"))
        XCTAssertNil(InstanceID(parsing: "0f1e2d3c-4b5a-1978-8695-a4b3c2d1e0f9"), "version 1")
        XCTAssertNil(InstanceID(parsing: "0f1e2d3c-4b5a-4978-c695-a4b3c2d1e0f9"), "wrong variant")
        XCTAssertNil(InstanceID(parsing: "0f1e2d3c4b5a49788695a4b3c2d1e0f9"))
    }

    func testUnlistedAndMalformedAppearOnlyWhenNonEmpty() throws {
        let id = try XCTUnwrap(InstanceID(parsing: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"))
        let empty = Summary(id: id, uptimeSeconds: 0, usage: ComponentUsage()).jsonString()
        XCTAssertEqual(empty.filter { $0 != " " }, #"{"id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9","uptime":0,"components":[]}"#)
        XCTAssertEqual(empty.utf8.count, 256)
        let yaml = Array("input: {mine: {}}\noutput: {a: 1, b: 2}\npipeline: {processors: [{}, {noop: {}}]}\n".utf8)
        let usage = try Summariser().usage(of: [ConfigSource(yaml)])
        XCTAssertEqual(Summary(id: id, uptimeSeconds: 12, usage: usage).jsonString().filter { $0 != " " },
                       #"{"id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9","uptime":12,"components":[{"type":"processor","name":"noop"}],"unlisted":{"input":1,"output":1},"malformed":{"processor":1}}"#)
    }

    /// Padding: the payload's length is its size class (256, 1,024, 4,096, then multiples of
    /// 4,096), whatever the uptime, the spaces stand before the closing brace only, and the
    /// class follows the content: a config just over a class's room goes to the next.
    func testPayloadsArePaddedToTheirSizeClassWhateverTheUptime() throws {
        let id = try XCTUnwrap(InstanceID(parsing: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"))
        let small = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\noutput: {stdout: {}}\n".utf8))])
        for uptime: UInt64 in [0, 3_600, 86_400, 2_592_000, 9_007_199_254_740_991] {
            let bytes = Summary(id: id, uptimeSeconds: uptime, usage: small).jsonBytes()
            XCTAssertEqual(bytes.count, 256, "uptime \(uptime)")
            let text = String(decoding: bytes, as: UTF8.self)
            let core = text.filter { $0 != " " }
            XCTAssertEqual(text.prefix(core.count - 1), core.dropLast(), "the spaces are all at the end, before the brace")
            XCTAssertEqual(text.last, "}")
        }
        // 40 processors of 40 different names: well past 1,024 bytes unpadded.
        let names = ComponentCatalog.benthos.allNames.filter { $0.kind == .processor }.prefix(40).map(\.name)
        let big = try Summariser().usage(of: [ConfigSource(Array(("pipeline:\n  processors:\n" + names.map { "    - \($0): {}\n" }.joined()).utf8))])
        let bigBytes = Summary(id: id, uptimeSeconds: 0, usage: big).jsonBytes()
        XCTAssertEqual(bigBytes.count, 4_096)
        XCTAssertEqual(Summary.paddedSize(forLength: 256), 256)
        XCTAssertEqual(Summary.paddedSize(forLength: 257), 1_024)
    }

    /// No exact payload passes 4,096 bytes: at most 4 entries of one plugin, and when the distinct
    /// plugins still do not fit, a choice drawn for the process (the same at every send, another
    /// in another process) names what fits and counts the rest, by kind, in `unlisted`.
    func testEveryPayloadFitsTheLargestClass() throws {
        let id = try XCTUnwrap(InstanceID(parsing: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"))
        // 2,000 mapping processors: 4 entries, 256 bytes (it made 77,824 bytes).
        let many = try Summariser().usage(of: [ConfigSource(Array(("pipeline:\n  processors:\n"
            + String(repeating: "    - mapping: root = this\n", count: 2_000)).utf8))])
        let manyBytes = Summary(id: id, uptimeSeconds: 0, usage: many).jsonBytes()
        XCTAssertEqual(manyBytes.count, 256)
        XCTAssertEqual(String(decoding: manyBytes, as: UTF8.self).components(separatedBy: #""name":"mapping""#).count - 1, 4)
        // Every processor of the catalogue, five times each: far past 4,096 bytes.
        let names = ComponentCatalog.benthos.allNames.filter { $0.kind == .processor }.map(\.name)
        let all = try Summariser().usage(of: [ConfigSource(Array(("pipeline:\n  processors:\n"
            + names.map { String(repeating: "    - \($0): {}\n", count: 5) }.joined()).utf8))])
        func named(_ bytes: [UInt8]) -> [String: Int] {
            var found: [String: Int] = [:]
            let text = String(decoding: bytes, as: UTF8.self)
            for part in text.components(separatedBy: #"{"type":"processor","name":""#).dropFirst() {
                found[String(part.prefix { $0 != "\"" }), default: 0] += 1
            }
            return found
        }
        func unlisted(_ bytes: [UInt8]) -> Int {
            let text = String(decoding: bytes, as: UTF8.self)
            guard let range = text.range(of: #""unlisted":{"processor":"#) else { return 0 }
            return Int(text[range.upperBound...].prefix { $0.isNumber }) ?? -1
        }
        var choices = Set<[String: Int]>()
        for key: (UInt64, UInt64) in [(1, 2), (3, 4), (5, 6)] {
            for uptime: UInt64 in [0, 9_007_199_254_740_991] {
                let bytes = Summary(id: id, uptimeSeconds: uptime, usage: all).jsonBytes(selectionKey: key)
                XCTAssertEqual(bytes.count, 4_096, "uptime \(uptime)")
                let kept = named(bytes)
                XCTAssertTrue(kept.values.allSatisfy { $0 == 4 }, "\(kept)")
                // Every component is named or counted: up to 4 of each processor, the rest unlisted.
                let components = all.counts.filter { $0.key.kind == .processor }.values.reduce(0) { $0 + min($1, 4) }
                XCTAssertEqual(kept.values.reduce(0, +) + unlisted(bytes), components + (all.unlisted[.processor] ?? 0),
                               "\(kept.count) named")
                XCTAssertGreaterThan(kept.count, 20, "as many as fit are named")
                choices.insert(kept)
            }
            XCTAssertEqual(Summary(id: id, uptimeSeconds: 0, usage: all).jsonBytes(selectionKey: key),
                           Summary(id: id, uptimeSeconds: 0, usage: all).jsonBytes(selectionKey: key), "one choice a process")
        }
        XCTAssertEqual(choices.count, 3, "another process, another choice")
        // The process's own key: the same bytes at every call.
        XCTAssertEqual(Summary(id: id, uptimeSeconds: 0, usage: all).jsonBytes(), Summary(id: id, uptimeSeconds: 0, usage: all).jsonBytes())
        XCTAssertEqual(Summary(id: id, uptimeSeconds: 0, usage: all).jsonBytes().count, 4_096)
    }

}
