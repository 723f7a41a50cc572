import Primitives
import SummaryChecks
import TestSupport
import AnonymousSummary
import XCTest

/// The constructs real pipeline configs use, each read as YAML reads it. Expected values are
/// written out by hand from the YAML 1.2 spec (and agree with PyYAML's BaseLoader).
final class YAMLParserTests: XCTestCase {
    /// The single document of `text`, as JSON with every scalar a string.
    func strings(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let docs = try YAML.parseStream(text)
            XCTAssertEqual(docs.count, 1, "expected one document", file: file, line: line)
            return docs.first?.jsonText(resolvingScalars: false)
        } catch {
            XCTFail("refused: \(error)", file: file, line: line)
            return nil
        }
    }

    /// The error `text` is refused with (failing the test if it is accepted).
    func refusal(_ text: String, limits: YAMLLimits = .default, file: StaticString = #filePath, line: UInt = #line) -> YAMLError? {
        refusal(Array(text.utf8), limits: limits, file: file, line: line)
    }

    func refusal(_ bytes: [UInt8], limits: YAMLLimits = .default, file: StaticString = #filePath, line: UInt = #line) -> YAMLError? {
        do {
            let docs = try YAML.parseStream(bytes, limits: limits)
            XCTFail("accepted: \(docs.map { $0.jsonText() })", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Block collections

    func testBlockMappingKeepsDocumentOrder() {
        XCTAssertEqual(strings("zeta: 1\nalpha: 2\nmid: 3\n"), #"{"zeta":"1","alpha":"2","mid":"3"}"#)
    }

    func testSequenceOfMappingsInDashItems() {
        let yaml = """
            processors:
              - label: a
                mapping: root = this
              - noop: {}
            """
        XCTAssertEqual(strings(yaml), #"{"processors":[{"label":"a","mapping":"root = this"},{"noop":{}}]}"#)
    }

    func testSequenceNotIndentedUnderMappingKey() {
        XCTAssertEqual(strings("a:\n- 1\n- 2\nb: 3\n"), #"{"a":["1","2"],"b":"3"}"#)
    }

    func testEmptyValuesAreNull() throws {
        let doc = try XCTUnwrap(YAML.parseStream("a:\nb: ~\nc: null\nd: ''\n").first)
        XCTAssertEqual(doc.jsonText(resolvingScalars: true), #"{"a":null,"b":null,"c":null,"d":""}"#)
        XCTAssertTrue(try XCTUnwrap(doc["a"]).isNull)
        XCTAssertFalse(try XCTUnwrap(doc["d"]).isNull, "a quoted empty string is not null")
    }

    func testNestedSequencesAndCompactNotation() {
        XCTAssertEqual(strings("- - a\n  - b\n- - c: 1\n    d: 2\n"), #"[["a","b"],[{"c":"1","d":"2"}]]"#)
    }

    func testMarksPointAtEachNode() throws {
        let doc = try XCTUnwrap(YAML.parseStream("input:\n  generate:\n    interval: 1s\n").first)
        let generate = try XCTUnwrap(doc["input"]?["generate"])
        XCTAssertEqual(generate.mark, SourceMark(line: 3, column: 5))
        XCTAssertEqual(generate["interval"]?.mark, SourceMark(line: 3, column: 15))
        XCTAssertEqual(generate["interval"]?.content, .scalar("1s", .plain))
    }

    // MARK: Flow collections

    func testNestedFlowCollectionsOverSeveralLines() {
        let yaml = """
            a: [ 1, {b: c,
                  d: [e, f]},
               "g" ]
            """
        XCTAssertEqual(strings(yaml), #"{"a":["1",{"b":"c","d":["e","f"]},"g"]}"#)
    }

    func testFlowMappingWithTrailingCommaAndEmptyCollections() {
        XCTAssertEqual(strings("a: {b: 1, c: [], d: {},}\n"), #"{"a":{"b":"1","c":[],"d":{}}}"#)
    }

    func testFlowPlainScalarsMayContainColonsAndSpaces() {
        XCTAssertEqual(strings("a: [http://x:80/y, two words]\n"), #"{"a":["http://x:80/y","two words"]}"#)
    }

    // MARK: Scalars

    func testMultiLinePlainScalarFolds() {
        XCTAssertEqual(strings("a: one\n  two\n\n  three\nb: x\n"), #"{"a":"one two\nthree","b":"x"}"#)
    }

    func testPlainScalarsKeepHashWithoutSpaceAndStopAtComment() {
        XCTAssertEqual(strings("a: b#c # comment\n"), #"{"a":"b#c"}"#)
    }

    func testSingleQuotedEscapesQuoteAndFolds() {
        XCTAssertEqual(strings("a: 'it''s\n  folded\n\n  kept'\n"), #"{"a":"it's folded\nkept"}"#)
    }

    func testDoubleQuotedEscapes() throws {
        let yaml = #"a: "\n\t\"\\\/\x41\u263A\U0001F600\N\_\L\P\0\a\b\e\f\r\v\ ""# + "\n"
        let doc = try XCTUnwrap(YAML.parseStream(yaml).first)
        let expected = "\n\t\"\\/A\u{263A}\u{1F600}\u{85}\u{A0}\u{2028}\u{2029}\u{0}\u{7}\u{8}\u{1B}\u{C}\r\u{B} "
        XCTAssertEqual(doc["a"]?.content, .scalar(expected, .doubleQuoted))
    }

    func testDoubleQuotedEscapedLineBreakJoinsLines() throws {
        let doc = try XCTUnwrap(YAML.parseStream("a: \"one \\\n   two\n\n  three\"\n").first)
        XCTAssertEqual(doc["a"]?.scalarValue, "one two\nthree")
    }

    func testUnknownEscapeIsRefusedWithItsPosition() throws {
        let e = try XCTUnwrap(refusal(#"a: "x\qy""# + "\n"))
        XCTAssertEqual(e.kind, .syntax)
        XCTAssertEqual(e.line, 1)
        XCTAssertEqual(e.column, 6)
    }

    // MARK: Block scalars

    func testLiteralWithChompingIndicators() {
        let yaml = "clip: |\n  a\n  b\n\nstrip: |-\n  a\n\nkeep: |+\n  a\n\nend: x\n"
        XCTAssertEqual(strings(yaml), #"{"clip":"a\nb\n","strip":"a","keep":"a\n\n","end":"x"}"#)
    }

    func testFoldedScalarFoldsButKeepsMoreIndentedLines() {
        let yaml = "a: >\n  one\n  two\n\n  three\n    indented\n  four\n"
        XCTAssertEqual(strings(yaml), #"{"a":"one two\nthree\n  indented\nfour\n"}"#)
    }

    func testExplicitIndentationIndicator() {
        XCTAssertEqual(strings("a: |2-\n    indented\n  base\n"), #"{"a":"  indented\nbase"}"#)
    }

    func testBloblangMappingInLiteralBlock() throws {
        let yaml = """
            pipeline:
              processors:
                - mapping: |
                    root = this
                    root.id = "${! uuid_v4() }" # not a comment
                    # also not a comment

            """
        let doc = try XCTUnwrap(YAML.parseStream(yaml).first)
        let mapping = doc["pipeline"]?["processors"]?.sequenceItems?.first?["mapping"]
        XCTAssertEqual(mapping?.content, .scalar("root = this\nroot.id = \"${! uuid_v4() }\" # not a comment\n# also not a comment\n", .literal))
    }

    func testBlockScalarAtEndOfInputWithoutNewline() {
        // No line break to keep: YAML 1.2 (and PyYAML) read "text", not "text\n".
        XCTAssertEqual(strings("a: |\n  text"), #"{"a":"text"}"#)
    }

    // MARK: Comments, documents, encodings, line ends

    func testCommentsAnywhereYAMLAllowsThem() {
        let yaml = "# head\na: # after key\n  # own line\n  b: 1 # after value\n# between\nc: [1, # in flow\n  2]\n# tail"
        XCTAssertEqual(strings(yaml), #"{"a":{"b":"1"},"c":["1","2"]}"#)
    }

    func testSeveralDocumentsAreAllReturned() throws {
        let docs = try YAML.parseStream("---\na: 1\n...\n---\nb: 2\n---\n- c\n")
        XCTAssertEqual(docs.map { $0.jsonText(resolvingScalars: false) }, [#"{"a":"1"}"#, #"{"b":"2"}"#, #"["c"]"#])
    }

    func testEmptyStreamHasNoDocuments() throws {
        XCTAssertEqual(try YAML.parseStream("").count, 0)
        XCTAssertEqual(try YAML.parseStream("# only a comment\n").count, 0)
    }

    func testByteOrderMarkCRLFAndMissingFinalNewline() {
        XCTAssertEqual(strings("\u{FEFF}a: 1\r\nb: |\r\n  x\r\n  y\r\nc: 3"), #"{"a":"1","b":"x\ny\n","c":"3"}"#)
    }

    func testUTF16WithByteOrderMarkReadsToTheSameTree() throws {
        let text = "input:\r\n  label: \"caf\u{E9} \u{1F600}\"\r\n  stdin: {}\r\n"
        let utf8 = try YAML.parseStream(text)
        var le: [UInt8] = [0xFF, 0xFE]
        var be: [UInt8] = [0xFE, 0xFF]
        for unit in text.utf16 {
            le += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            be += [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        XCTAssertEqual(try YAML.parseStream(le).map { $0.jsonText() }, utf8.map { $0.jsonText() })
        XCTAssertEqual(try YAML.parseStream(be).map { $0.jsonText() }, utf8.map { $0.jsonText() })
    }

    func testLongLines() {
        let long = String(repeating: "x", count: 200_000)
        XCTAssertEqual(strings("a: \(long)\n"), #"{"a":""# + long + #""}"#)
    }

    // MARK: Refusals: named features and malformed input, each at its line and column

    func testUnsupportedFeaturesAreRefusedByName() throws {
        let cases: [(String, String, Int, Int)] = [
            ("a: &anchor 1\n", "anchors", 1, 4),
            ("a: *alias\n", "aliases", 1, 4),
            ("a: !!str 1\n", "tags", 1, 4),
            ("? complex\n: value\n", "complex mapping keys", 1, 1),
            ("%YAML 1.2\n---\na: 1\n", "directives", 1, 1),
            ("[a, b]: c\n", "collections as mapping keys", 1, 1),
        ]
        for (yaml, feature, line, column) in cases {
            let e = try XCTUnwrap(refusal(yaml), yaml)
            XCTAssertEqual(e.kind, .unsupported, yaml)
            XCTAssertTrue(e.message.contains(feature), "\(e.message) should name \(feature)")
            XCTAssertEqual(e.mark, SourceMark(line: line, column: column), yaml)
        }
    }

    func testMalformedInputGetsALocatedError() throws {
        let cases: [(String, YAMLError.Kind, Int, Int)] = [
            ("a:\n\tb: 1\n", .syntax, 2, 1),               // tab as indentation
            ("a: 'open\n", .syntax, 1, 4),                  // unterminated single quote
            ("a: \"open\n", .syntax, 1, 4),                 // unterminated double quote
            ("a: [1, 2\n", .syntax, 1, 4),                  // unterminated flow sequence
            ("a: {b: 1\n", .syntax, 1, 4),                  // unterminated flow mapping
            ("a: 1\n  b: 2\n", .syntax, 2, 4),              // bad indentation
            ("a:\n  b: 1\n c: 2\n", .syntax, 3, 2),         // dedent to no parent
            ("a: 1\nb: 2\na: 3\n", .duplicateKey, 3, 1),    // duplicate key
            ("a: {x: 1, x: 2}\n", .duplicateKey, 1, 11),    // duplicate key in flow
            ("a: b: c\n", .syntax, 1, 5),                   // nested implicit key on one line
            ("- a\nb: 1\n", .syntax, 2, 1),                 // mapping after sequence at root
        ]
        for (yaml, kind, line, column) in cases {
            let e = try XCTUnwrap(refusal(yaml), yaml)
            XCTAssertEqual(e.kind, kind, "\(yaml.debugDescription): \(e)")
            XCTAssertEqual(e.mark, SourceMark(line: line, column: column), "\(yaml.debugDescription): \(e)")
        }
    }

    /// Found by the fuzzer: the 1024 limit on implicit keys counts characters, not bytes.
    func testImplicitKeyLimitCountsCharacters() throws {
        let wide = String(repeating: "鸞", count: 1000)
        XCTAssertEqual(try YAML.parseStream(wide + ": v\n").first?[wide]?.scalarValue, "v")
        let e = try XCTUnwrap(refusal(String(repeating: "k", count: 1025) + ": v\n"))
        XCTAssertTrue(e.message.contains("1024"), e.message)
    }

    /// Duplicate keys are refused exactly when a mapping repeats a key, in small mappings (on
    /// the parser's shared key buffer) and large ones (hashed), nested in each other, block and
    /// flow: keys of an enclosing or enclosed mapping never count against another.
    func testDuplicateKeysAreFoundPerMappingWhateverTheNesting() throws {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let names = (0..<20).map { "k\($0)" }
        var refused = 0, accepted = 0
        for _ in 0..<400 {
            var hasDuplicate = false
            func keys() -> [String] {
                let count = 1 + next(next(4) == 0 ? 20 : 6)
                var chosen: [String] = []
                for _ in 0..<count {
                    var k = names[next(names.count)]
                    if next(8) != 0 { while chosen.contains(k) && chosen.count < names.count { k = names[next(names.count)] } }
                    if chosen.contains(k) { hasDuplicate = true }
                    chosen.append(k)
                }
                return chosen
            }
            func flow(_ depth: Int) -> String {
                "{" + keys().map { "\($0): " + (depth < 2 && next(3) == 0 ? flow(depth + 1) : "v") }.joined(separator: ", ") + "}"
            }
            func block(_ depth: Int, _ indent: String) -> String {
                keys().map { key in
                    switch depth < 3 ? next(3) : 0 {
                    case 1: return indent + key + ":\n" + block(depth + 1, indent + "  ")
                    case 2: return indent + key + ": " + flow(depth) + "\n"
                    default: return indent + key + ": v\n"
                    }
                }.joined()
            }
            let text = block(0, "")
            do {
                _ = try YAML.parseDocument(Array(text.utf8))
                XCTAssertFalse(hasDuplicate, "accepted a duplicate key:\n\(text)")
                accepted += 1
            } catch {
                XCTAssertTrue(hasDuplicate, "refused without a duplicate key (\(error)):\n\(text)")
                XCTAssertEqual(error.kind, .duplicateKey, text)
                refused += 1
            }
        }
        XCTAssertGreaterThan(accepted, 50)
        XCTAssertGreaterThan(refused, 50)
    }

    /// More nodes than the node store's first segment was sized for (one node per two bytes of
    /// input): the segment grows to a whole one, then more segments follow; every node is read
    /// back where it was written.
    func testTheNodeStoreGrowsPastItsFirstSegment() throws {
        for count in [30, 1_500] {
            let text = "[" + Array(repeating: "{a}", count: count).joined(separator: ",") + "]\n"
            let doc = try YAML.parseDocument(Array(text.utf8))
            XCTAssertEqual(doc.nodeCount, 1 + 3 * count, "\(count) items")
            XCTAssertGreaterThan(doc.nodeCount, text.utf8.count / 2 + 8, "the first segment must have had to grow")
            let root = try XCTUnwrap(doc.roots.first)
            let items = Array(doc.children(root))
            XCTAssertEqual(items.count, count)
            for item in items {
                let pairs = Array(doc.pairs(item))
                XCTAssertEqual(pairs.count, 1)
                XCTAssertEqual(pairs.first.map { doc.scalarString($0.key) }, "a")
                XCTAssertEqual(pairs.first.map { doc.isNull($0.value) }, true)
            }
            let last = try XCTUnwrap(items.last)
            XCTAssertEqual(doc.mark(last), SourceMark(line: 1, column: 2 + 4 * (count - 1)))
        }
    }

    /// The eight-bytes-at-a-time scan of plain scalars stops where the byte-by-byte rules say,
    /// wherever the stop falls relative to the eight-byte steps.
    func testPlainScalarsEndInTheRightPlaceAtEveryOffset() throws {
        for offset in 0..<24 {
            let head = String(repeating: "x", count: offset)
            func value(_ yaml: String) throws -> String? {
                try YAML.parseStream(yaml).first?["k"]?.scalarValue
            }
            // Long comments and values, so no line end falls in the eight bytes after a stop.
            let long = String(repeating: "c", count: 20)
            XCTAssertEqual(try value("k: \(head)y #\(long)\n"), head + "y", "comment at \(offset)")
            XCTAssertEqual(try value("k: \(head)y\t#\(long)\n"), head + "y", "tab comment at \(offset)")
            XCTAssertEqual(try value("k: \(head)y#z\n"), head + "y#z", "# inside at \(offset)")
            XCTAssertEqual(try value("k: \(head)y:z\n"), head + "y:z", ": inside at \(offset)")
            XCTAssertEqual(try value("k: \(head)y   \n"), head + "y", "trailing spaces at \(offset)")
            XCTAssertEqual(try value("k: \(head)y \t "), head + "y", "trailing blanks at the end at \(offset)")
            XCTAssertEqual(try value("k: \(head)y"), head + "y", "the end of input at \(offset)")
            XCTAssertNotNil(refusal("k: \(head)y:"), "a final ':' is a value indicator, at \(offset)")
            XCTAssertEqual(try value("k: \(head) y z\n"), offset == 0 ? "y z" : head + " y z", "inner spaces at \(offset)")
            XCTAssertEqual(try value("k: a\n  \(head)b c\n"), "a \(head)b c", "a continuation line at \(offset)")
            XCTAssertNotNil(refusal("k: \(head)y: z\n"), "': ' inside at \(offset)")
            XCTAssertNotNil(refusal("k: \(head)y: \(long)\n"), "': ' before a long value at \(offset)")
        }
    }

    /// Duplicate keys in the cases the random nesting test does not make.
    func testDuplicateKeysAcrossSpellingsSiblingsAndDocuments() throws {
        // The same key from the input and from the side buffer (an escape), small and hashed.
        XCTAssertEqual(refusal("\"\\x6b\": 1\nk: 2\n")?.kind, .duplicateKey)
        let many = (0..<20).map { "m\($0): v\n" }.joined()
        XCTAssertEqual(refusal(many + "\"\\x6b\": 1\nk: 2\n")?.kind, .duplicateKey)
        XCTAssertEqual(refusal("k: 2\n" + many + "\"\\x6b\": 1\n")?.kind, .duplicateKey)
        // Sibling mappings and separate documents do not share keys.
        XCTAssertNoThrow(try YAML.parseStream("- a: 1\n  b: 2\n- a: 1\n"))
        XCTAssertEqual(try YAML.parseStream("a: 1\n---\na: 1\n").count, 2)
        // A flow mapping opened after its parent switched to hashing, with the parent's keys.
        XCTAssertNoThrow(try YAML.parseStream(many + "f: {m0: 1, m1: 2}\n"))
        XCTAssertEqual(refusal(many + "f: {m0: 1, m0: 2}\n")?.kind, .duplicateKey)
        XCTAssertEqual(refusal(many + "f: {x: 1}\nm3: again\n")?.kind, .duplicateKey)
    }

    func testDuplicateKeysCompareValuesNotSpelling() throws {
        // "a" and 'a' are the same key; YAML forbids the pair.
        let e = try XCTUnwrap(refusal("a: 1\n'a': 2\n"))
        XCTAssertEqual(e.kind, .duplicateKey)
    }

    func testEncodingErrors() throws {
        let invalid = try XCTUnwrap(refusal([0x61, 0x3A, 0x20, 0xC3, 0x28, 0x0A]))
        XCTAssertEqual(invalid.kind, .encoding)
        XCTAssertEqual(invalid.mark, SourceMark(line: 1, column: 4))
        let nul = try XCTUnwrap(refusal([0x61, 0x3A, 0x20, 0x00, 0x0A]))
        XCTAssertEqual(nul.kind, .encoding)
        let bomInside = try XCTUnwrap(refusal("a: 1\nb: x\u{FEFF}y\n"))
        XCTAssertEqual(bomInside.kind, .encoding)
        XCTAssertEqual(bomInside.line, 2)
        let utf32 = try XCTUnwrap(refusal([0xFF, 0xFE, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00]))
        XCTAssertEqual(utf32.kind, .unsupported)
    }

    /// Every forbidden byte is caught wherever it sits (the decoder reads eight bytes at a time).
    func testForbiddenBytesAreFoundAtEveryOffset() throws {
        for bad: UInt8 in [0x00, 0x01, 0x08, 0x0B, 0x1F, 0x7F, 0x80, 0xFF] {
            for offset in 0..<24 {
                var bytes = Array("a: \(String(repeating: "x", count: 30))\n".utf8)
                bytes[3 + offset] = bad
                let e = try XCTUnwrap(refusal(bytes), "byte \(bad) at \(offset)")
                XCTAssertEqual(e.kind, .encoding)
                XCTAssertEqual(e.column, 4 + offset, "byte \(bad) at \(offset)")
            }
        }
        // Tab, line feed and carriage return are allowed anywhere.
        XCTAssertNoThrow(try YAML.parseStream(Array("a: \"x\tyyyyyyyyyyyyyyy\"\r\nb: 2\n".utf8)))
    }

    func testErrorPrintsAsFileLineColumn() throws {
        let e = try XCTUnwrap(refusal("a: 1\nb: [\n"))
        XCTAssertEqual(e.formatted(file: "config.yaml"), "config.yaml:\(e.line):\(e.column): \(e.message)")
        XCTAssertEqual(e.line, 2)
        XCTAssertTrue(e.message.contains("unterminated"), e.message)
    }
}
