import DifferentialPrivacy
import LocalPrivacy
import AnonymousSummary
import SummaryChecks
import UsageReport
import XCTest

final class LineSplitterTests: XCTestCase {
    enum Seen: Equatable { case line([UInt8]), tooLong }

    func split(_ bytes: [UInt8], chunk: Int, max: Int) -> [Seen] {
        var splitter = LineSplitter(maxLineLength: max)
        var seen: [Seen] = []
        let record: (LineSplitter.Line) -> Void = { line in
            switch line {
            case .bytes(let b): seen.append(.line(Array(b)))
            case .tooLong: seen.append(.tooLong)
            }
        }
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            bytes[start..<end].withUnsafeBufferPointer { splitter.feed($0, record) }
            start = end
        }
        splitter.finish(record)
        return seen
    }

    func testChunkBoundariesNeverChangeTheLines() {
        let text = Array("alpha\n\nbravo charlie\r\n0123456789\n01234567890\nlast".utf8)
        let expected: [Seen] = [.line(Array("alpha".utf8)), .line([]), .tooLong, .line(Array("0123456789".utf8)), .tooLong,
                                .line(Array("last".utf8))]
        for chunk in 1...text.count {
            XCTAssertEqual(split(text, chunk: chunk, max: 10), expected, "chunk \(chunk)")
        }
    }

    func testAFinalNewlineMakesNoEmptyLineAndAnEmptyStreamNoLine() {
        XCTAssertEqual(split(Array("a\n".utf8), chunk: 1, max: 10), [.line([0x61])])
        XCTAssertEqual(split([], chunk: 1, max: 10), [])
        XCTAssertEqual(split(Array("0123456789abc".utf8), chunk: 4, max: 10), [.tooLong])
    }
}
