import Primitives
import SummaryChecks
import TestSupport
import AnonymousSummary
import XCTest

/// Interpolations become same-length placeholders, so lines and columns stay where the user
/// sees them; Bloblang's `${! … }` and text that is not an interpolation stay as they are.
final class EnvironmentInterpolationTests: XCTestCase {
    func neutralised(_ s: String) -> String {
        String(decoding: EnvironmentInterpolation.neutralise(Array(s.utf8)), as: UTF8.self)
    }

    func testInterpolationsBecomePlaceholdersOfTheSameLength() {
        XCTAssertEqual(neutralised("${A}"), "xxxx")
        XCTAssertEqual(neutralised("a: ${HOST}:${PORT:80}/x"), "a: xxxxxxx:xxxxxxxxxx/x")
        XCTAssertEqual(neutralised("${A}${B}"), "xxxxxxxx")
        XCTAssertEqual(neutralised("${K|base64decode}"), "xxxxxxxxxxxxxxxxx")
        XCTAssertEqual(neutralised("${N:café😀}"), "xxxxxxxxxx", "counted in characters, not bytes")
        XCTAssertEqual(neutralised("${a.b_c}"), "xxxxxxxx")
    }

    func testWhatIsNotAnInterpolationStays() {
        for text in ["${! meta(\"k\") }", "${!this.id}", "$", "$$", "${", "${}", "${A", "${A:\n}", "price: $5",
                     "${{A}}", "no dollars at all", ""] {
            XCTAssertEqual(neutralised(text), text, text.debugDescription)
        }
    }

    func testNothingToReplaceReturnsTheTextItself() {
        let text = Array("a: ${! uuid_v4() } and $5".utf8)
        XCTAssertEqual(EnvironmentInterpolation.neutralise(text), text)
    }
}
