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
        XCTAssertEqual(Summary.paddedSize(forLength: 4_097), 8_192)
    }
}
