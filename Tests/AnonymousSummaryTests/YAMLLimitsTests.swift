import Primitives
import SummaryChecks
import TestSupport
import AnonymousSummary
import Foundation
import XCTest

/// Hostile input is refused by a limit, with an error, before it can cost much. (How fast is
/// measured by `Scripts/bench`, not asserted here.)
final class YAMLLimitsTests: XCTestCase {
    func refusal(_ bytes: [UInt8], limits: YAMLLimits = .default, file: StaticString = #filePath, line: UInt = #line) -> YAMLError? {
        do {
            _ = try YAML.parseStream(bytes, limits: limits)
            XCTFail("accepted", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testAMillionOpenBracketsHitTheDepthLimit() throws {
        let e = try XCTUnwrap(refusal(Array(repeating: UInt8(ascii: "["), count: 1_000_000)))
        XCTAssertEqual(e.kind, .limit)
        XCTAssertEqual(e.line, 1)
        XCTAssertEqual(e.column, YAMLLimits.default.maxDepth + 1, "refused at the first bracket past the limit")
    }

    func testAHundredThousandNestedBlockLevelsHitTheDepthLimit() throws {
        // Block sequences nest on one line: "- - - … x".
        let sequences = try XCTUnwrap(refusal(Array((String(repeating: "- ", count: 100_000) + "x\n").utf8)))
        XCTAssertEqual(sequences.kind, .limit)
        XCTAssertEqual(sequences.line, 1)
        // Block mappings nest one line each, indented one more column each (2,000 levels
        // are 2 MB of indentation; a hundred thousand would be 5 GB).
        let mappings = (0..<2_000).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n")
        let e = try XCTUnwrap(refusal(Array(mappings.utf8)))
        XCTAssertEqual(e.kind, .limit)
        XCTAssertEqual(e.line, YAMLLimits.default.maxDepth + 1, "refused at the first level past the limit")
    }

    /// Found by the fuzzer: `[a: …]` is a mapping inside the sequence, and counts as a level.
    func testImplicitFlowPairsCountTowardsTheDepthLimit() throws {
        let text = String(repeating: "[a: ", count: 40) + "x" + String(repeating: "]", count: 40)
        let e = try XCTUnwrap(refusal(Array(text.utf8)))
        XCTAssertEqual(e.kind, .limit)
        let within = String(repeating: "[a: ", count: 32) + "x" + String(repeating: "]", count: 32)
        XCTAssertNoThrow(try YAML.parseStream(Array(within.utf8)))
    }

    func testBillionLaughsIsRefusedAtTheFirstAnchor() throws {
        var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        for (i, name) in "bcdefghi".enumerated() {
            let previous = Array("abcdefghi")[i]
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
        }
        let e = try XCTUnwrap(refusal(Array(lines.joined(separator: "\n").utf8)))
        XCTAssertEqual(e.kind, .unsupported)
        XCTAssertEqual(e.mark, SourceMark(line: 1, column: 4))
    }

    func testInputSizeLimit() throws {
        let limits = YAMLLimits(maxInputBytes: 1000)
        XCTAssertNoThrow(try YAML.parseStream(Array(("a: " + String(repeating: "x", count: 900) + "\n").utf8), limits: limits))
        let e = try XCTUnwrap(refusal(Array(("a: " + String(repeating: "x", count: 1000) + "\n").utf8), limits: limits))
        XCTAssertEqual(e.kind, .limit)
    }

    func testNodeCountLimit() throws {
        let limits = YAMLLimits(maxNodes: 100)
        let small = "[" + Array(repeating: "1", count: 90).joined(separator: ",") + "]"
        XCTAssertNoThrow(try YAML.parseStream(Array(small.utf8), limits: limits))
        let big = "[" + Array(repeating: "1", count: 200).joined(separator: ",") + "]"
        XCTAssertEqual(refusal(Array(big.utf8), limits: limits)?.kind, .limit)
    }

    func testAHugeScalarIsReadWhole() throws {
        let payload = String(repeating: "abcdefghij", count: 1_000_000)  // 10 MB
        let docs = try YAML.parseStream(Array(("a: \"" + payload + "\"\n").utf8))
        XCTAssertEqual(docs.first?["a"]?.scalarValue?.utf8.count, payload.utf8.count)
    }

    /// The deepest document the limits allow parses on a thread with a small stack, so depth
    /// is bounded by the limit, not by the stack the host happens to give us: 512 KB (the
    /// smallest common thread stack) in a release build; a debug build's frames are about
    /// three times larger, so it gets 2 MB.
    func testMaximumDepthParsesOnASmallStack() throws {
        let depth = YAMLLimits.default.maxDepth
        let flow = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let block = (0..<depth).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n") + " v\n"
        let results = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            for text in [flow, block] {
                do {
                    let docs = try YAML.parseStream(Array(text.utf8))
                    results.append(docs.first.map { $0.jsonText().count } ?? -1)
                } catch {
                    results.append(-2)
                }
            }
            done.signal()
        }
        #if DEBUG
        thread.stackSize = 2 << 20
        #else
        thread.stackSize = 512 << 10
        #endif
        thread.start()
        done.wait()
        XCTAssertEqual(results.values.count, 2)
        XCTAssertEqual(results.values.first, 2 * depth, "the flow nest reads back as [[…]]")
        XCTAssertGreaterThan(results.values.last ?? -1, 0, "the block nest at the depth limit parses")
    }

    final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Int] = []
        func append(_ v: Int) { lock.lock(); stored.append(v); lock.unlock() }
        var values: [Int] { lock.lock(); defer { lock.unlock() }; return stored }
    }
}
