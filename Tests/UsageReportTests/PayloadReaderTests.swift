import DifferentialPrivacy
import LocalPrivacy
import SummaryChecks
import AnonymousSummary
import UsageReport
import XCTest

/// The reader at the door: exactly the published shape is accepted; everything else is
/// counted under its own reason.
final class PayloadReaderTests: XCTestCase {
    static let index = CatalogIndex()
    static let id = "3b2e1c4d-5f6a-4b7c-8d9e-0f1a2b3c4d5e"

    func read(_ text: String) -> PayloadReader.Outcome {
        var reader = PayloadReader(index: Self.index)
        return reader.read(Array(text.utf8))
    }

    func testTheEncodersOwnPayloadIsAccepted() throws {
        let usage = try Summariser().usage(of: [ConfigSource(Array("""
            input: {generate: {mapping: root = 1}}
            pipeline: {processors: [{mutation: x}, {mutation: y}, {acme: {}}]}
            output: {aws_s3: {bucket: b}}
            """.utf8))])
        let summary = Summary(id: try XCTUnwrap(InstanceID(parsing: Self.id)), uptimeSeconds: 301, usage: usage)
        var reader = PayloadReader(index: Self.index)
        XCTAssertEqual(reader.read(summary.jsonBytes()), .exact)
        XCTAssertEqual(reader.payload.uptime, 301)
        XCTAssertEqual(reader.payload.plugins.map { Self.index.names[Int($0)].description },
                       ["input/generate", "processor/mutation", "processor/mutation", "output/aws_s3"])
        XCTAssertEqual(reader.payload.unlisted[CatalogIndex.kinds.firstIndex(of: .processor) ?? -1], 1)
    }

    func testEquivalentSpellingsOfTheShapeAreAccepted() {
        let accepted = [
            #"{"id":"\#(Self.id)","uptime":0,"components":[]}"#,
            #"{"components":[],"uptime":0,"id":"\#(Self.id)"}"#,
            " { \"id\" : \"\(Self.id)\" ,\t\"uptime\" : 9007199254740991 , \"components\" : [ ] } \r",
            #"{"id":"\#(Self.id)","uptime":5,"components":[{"name":"kafka","type":"input"}]}"#,
            #"{"id":"\#(Self.id)","uptime":5,"components":[{"type":"\u0069nput","name":"k\u0061fka"}]}"#,
            #"{"id":"\#(Self.id)","uptime":5,"components":[],"unlisted":{"input":1},"malformed":{"scanner":9007199254740991}}"#,
        ]
        for line in accepted { XCTAssertEqual(read(line), .exact, line) }
    }

    func testEveryRejectionReasonHasItsOwnInput() {
        let id = Self.id
        let cases: [(String, RejectionReason)] = [
            ("", .emptyLine),
            (" \t \r", .emptyLine),
            (#"{"id":"\#(id)","uptime":1,"components":[]}"# + "\u{0}", .nulByte),
            ("{\"id\":\"\u{0}\"}", .nulByte),
            ("{\"id\":\"x\u{FFFD}\"}", .badID),
            ("{", .notJSON),
            (#"{"id":"\#(id)","uptime":1,"components":[]} x"#, .notJSON),
            (#"{"id":"\#(id)","uptime":1,"components":[]"#, .notJSON),
            (#"{"id":"\#(id)" "uptime":1}"#, .notJSON),
            (#"{"id":"\#(id)","uptime":1,"components":[],}"#, .notJSON),
            ("hello", .notJSON),
            (#"{"id":"\#(id)","uptime":1,"components":[{"type":"input","name":"a\qb"}]}"#, .badString),
            (#"{"id":"\#(id)","uptime":1,"components":[{"type":"input","name":"\ud800"}]}"#, .badString),
            (#"{"id":"\#(id)","uptime":1,"components":[{"type":"input","name":"\udc00x"}]}"#, .badString),
            ("{\"id\":\"a\tb\"}", .badString),
            ("[1,2]", .notAnObject),
            (#""payload""#, .notAnObject),
            ("42", .notAnObject),
            ("null", .notAnObject),
            (#"{"id":"\#(id)","uptime":1,"components":[],"host":"db-7"}"#, .unknownKey),
            (#"{"id":"\#(id)","uptime":1,"components":[{"type":"input","name":"kafka","label":"x"}]}"#, .unknownKey),
            (#"{"id":"\#(id)","uptime":1,"components":[],"id":"\#(id)"}"#, .duplicateKey),
            (#"{"id":"\#(id)","uptime":1,"components":[{"type":"input","type":"input","name":"kafka"}]}"#, .duplicateKey),
            (#"{"id":"\#(id)","uptime":1,"components":[],"unlisted":{"input":1,"input":2}}"#, .duplicateKey),
            (#"{"id":"\#(id)","uptime":1}"#, .missingKey),
            ("{}", .missingKey),
            (#"{"id":"\#(id)","uptime":1,"components":[{"type":"input"}]}"#, .missingKey),
            (#"{"id":"not-a-uuid","uptime":1,"components":[]}"#, .badID),
            (#"{"id":"3B2E1C4D-5F6A-4B7C-8D9E-0F1A2B3C4D5E","uptime":1,"components":[]}"#, .badID),
            (#"{"id":"3b2e1c4d-5f6a-1b7c-8d9e-0f1a2b3c4d5e","uptime":1,"components":[]}"#, .badID),
            (#"{"id":"3b2e1c4d-5f6a-4b7c-7d9e-0f1a2b3c4d5e","uptime":1,"components":[]}"#, .badID),
            (#"{"id":7,"uptime":1,"components":[]}"#, .badID),
            (#"{"id":"\#(id)","uptime":-1,"components":[]}"#, .badUptime),
            (#"{"id":"\#(id)","uptime":1.0,"components":[]}"#, .badUptime),
            (#"{"id":"\#(id)","uptime":1e30,"components":[]}"#, .badUptime),
            (#"{"id":"\#(id)","uptime":01,"components":[]}"#, .badUptime),
            (#"{"id":"\#(id)","uptime":9007199254740992,"components":[]}"#, .badUptime),
            (#"{"id":"\#(id)","uptime":"5","components":[]}"#, .badUptime),
            (#"{"id":"\#(id)","uptime":1,"components":{}}"#, .badComponent),
            (#"{"id":"\#(id)","uptime":1,"components":["input/kafka"]}"#, .badComponent),
            (#"{"id":"\#(id)","uptime":1,"components":[{"type":"input","name":7}]}"#, .badComponent),
            (#"{"id":"\#(id)","uptime":1,"components":[{"type":"widget","name":"kafka"}]}"#, .unknownKind),
            (#"{"id":"\#(id)","uptime":1,"components":[],"unlisted":{"widget":1}}"#, .unknownKind),
            (#"{"id":"\#(id)","uptime":1,"components":[{"type":"input","name":"my-secret-host"}]}"#, .unknownPlugin),
            (#"{"id":"\#(id)","uptime":1,"components":[{"name":"mutation","type":"input"}]}"#, .unknownPlugin),
            (#"{"id":"\#(id)","uptime":1,"components":[{"type":"input","name":"Kafka"}]}"#, .unknownPlugin),
            (#"{"id":"\#(id)","uptime":1,"components":[],"unlisted":{}}"#, .badCount),
            (#"{"id":"\#(id)","uptime":1,"components":[],"unlisted":{"input":0}}"#, .badCount),
            (#"{"id":"\#(id)","uptime":1,"components":[],"malformed":{"input":2.5}}"#, .badCount),
            (#"{"id":"\#(id)","uptime":1,"components":[],"malformed":[]}"#, .badCount),
        ]
        var covered = Set<RejectionReason>()
        for (line, reason) in cases {
            XCTAssertEqual(read(line), .rejected(reason), line)
            covered.insert(reason)
        }
        // Invalid UTF-8 and too-long lines are made from bytes.
        var reader = PayloadReader(index: Self.index)
        for bad: [UInt8] in [[0x7B, 0xC0, 0x80, 0x7D], [0x7B, 0xED, 0xA0, 0x80, 0x7D], [0x7B, 0xF4, 0x90, 0x80, 0x80], [0x7B, 0xE2, 0x82]] {
            XCTAssertEqual(reader.read(bad), .rejected(.invalidUTF8), "\(bad)")
        }
        covered.insert(.invalidUTF8)
        XCTAssertEqual(reader.read([UInt8](repeating: 0x20, count: PayloadReader.maxLineLength + 1)), .rejected(.tooLong))
        covered.insert(.tooLong)
        // The instance-level and LDP reasons have their own tests.
        let elsewhere: Set<RejectionReason> = [.conflict, .unknownMechanism, .badEpsilon, .unknownCatalog, .badBits]
        XCTAssertEqual(Set(RejectionReason.allCases).subtracting(covered).subtracting(elsewhere), [])
    }

    func testNonASCIIUTF8IsNotRefusedAsInvalid() {
        // Valid UTF-8 that cannot be a name is refused for what it is, not as bad bytes.
        XCTAssertEqual(read(#"{"id":"\#(Self.id)","uptime":1,"components":[{"type":"input","name":"kafkä😀"}]}"#),
                       .rejected(.unknownPlugin))
    }
}
