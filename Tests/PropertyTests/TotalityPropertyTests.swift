import LocalPrivacy
import UsageReport
import SummaryChecks
import TestSupport
import AnonymousSummary
import Foundation
import XCTest

/// 6. Any byte string, random or mutated from a valid config, gives a tree or an error, never
/// a crash, and within a time bound.
final class TotalityPropertyTests: XCTestCase {
    static let fragments: [[UInt8]] = ["- ", ": ", "{", "}", "[", "]", ",", "\"", "'", "\\", "#", "|", ">", "|-", ">+2",
                                       "\n", "\r\n", "\t", " ", "&a ", "*a", "!!str ", "? ", "---\n", "...\n", "%YAML 1.2\n",
                                       "${X}", "${! y }", "\u{FEFF}", "\0", "input:", "label:", "processors:", "type:",
                                       "switch:", "cases:", "\u{1F600}", "é"].map { Array($0.utf8) }
        + [[0xFF], [0xC3], [0xE2, 0x82], [0xFE, 0xFF], [0xFF, 0xFE], [0xED, 0xA0, 0x80]]

    /// Bytes: random, or a generated config's text mutated (flips, inserts, deletes, repeats).
    static var inputs: Gen<[UInt8]> {
        Gen { source in
            if source.draw(4) == 0 {
                return (0..<Int(source.draw(300))).map { _ in UInt8(source.draw(256)) }
            }
            let c = AnonymityPropertyTests.cases.run(source)
            var bytes = Array(c.text.utf8)
            for _ in 0..<(1 + Int(source.draw(6))) {
                let at = bytes.isEmpty ? 0 : Int(source.draw(UInt64(bytes.count + 1)))
                switch source.draw(5) {
                case 0: if at < bytes.count { bytes[at] = UInt8(source.draw(256)) }
                case 1: bytes.insert(contentsOf: fragments[Int(source.draw(UInt64(fragments.count)))], at: at)
                case 2:
                    let n = Int(source.draw(16))
                    bytes.removeSubrange(at..<min(bytes.count, at + n))
                case 3:
                    let n = Int(source.draw(32))
                    let span = Array(bytes[at..<min(bytes.count, at + n)])
                    for _ in 0..<Int(source.draw(8)) { bytes.insert(contentsOf: span, at: at) }
                default: bytes = Array(bytes[0..<at])
                }
            }
            return bytes
        }
    }

    func testAnyBytesGiveATreeOrAnErrorQuickly() {
        let clock = ContinuousClock()
        var outcomes = [String: Int]()
        check(Property(name: "totality", gen: Self.inputs, check: { bytes in
            let start = clock.now
            var outcome = "parsed"
            do { _ = try YAML.parseStream(bytes) } catch let error as YAMLError { outcome = "refused (\(error.kind.rawValue))" } catch { outcome = "other error" }
            do { _ = try Summariser().usage(of: [ConfigSource(bytes)]) } catch {}
            outcomes[outcome, default: 0] += 1
            let elapsed = clock.now - start
            return elapsed < .seconds(2) ? nil : "took \(elapsed) on \(bytes.count) bytes"
        }), defaultIterations: 15000, show: { String(decoding: $0, as: UTF8.self).debugDescription })
        print("  outcomes: " + outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        XCTAssertGreaterThan(outcomes["parsed"] ?? 0, 0, "mutations should leave some configs readable")
        XCTAssertGreaterThan(outcomes.count, 2, "mutations should reach several kinds of error")
    }
}
