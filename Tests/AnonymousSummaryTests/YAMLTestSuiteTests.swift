import Primitives
import SummaryChecks
import TestSupport
import AnonymousSummary
import Foundation
import XCTest

/// The parser against the official YAML test suite (`../shared/yaml-test-suite/cases.jsonl`).
/// The bar: where the parser accepts a case, it reads exactly what YAML says (compared as data,
/// plain scalars resolved by the YAML 1.2 core schema); every error case is refused. Cases in
/// YAML the subset does not implement may be refused, and are counted.
final class YAMLTestSuiteTests: XCTestCase {
    struct Case {
        var id: String
        var title: String
        var yaml: String
        var json: String?
        var error: Bool
    }

    func loadCases() throws -> [Case] {
        let url = try TestPaths.sharedFixture("yaml-test-suite/cases.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            guard let dict = object as? [String: Any], let id = dict["id"] as? String,
                  let yaml = dict["yaml"] as? String, let error = dict["error"] as? Bool
            else { throw JSONValue.ReadError(offset: 0) }
            return Case(id: id, title: dict["title"] as? String ?? "", yaml: yaml,
                        json: dict["json"] as? String, error: error)
        }
    }

    func testEveryAcceptedCaseAgreesAndEveryErrorCaseIsRefused() throws {
        let cases = try loadCases()
        XCTAssertGreaterThan(cases.count, 300, "the suite file looks truncated")
        var agreed = 0, refused = 0, acceptedWithoutJSON = 0, errorsRefused = 0
        var disagreements: [String] = []
        var missedErrors: [String] = []
        for c in cases {
            let result: Result<[YAMLNode], YAMLError>
            do { result = .success(try YAML.parseStream(Array(c.yaml.utf8))) } catch { result = .failure(error) }
            if c.error {
                if case .failure = result { errorsRefused += 1 } else { missedErrors.append("\(c.id) \(c.title)") }
                continue
            }
            guard case .success(let documents) = result else { refused += 1; continue }
            guard let json = c.json else { acceptedWithoutJSON += 1; continue }
            let expected = try JSONValue.readStream(json)
            let got = try documents.map { try JSONValue.readStream($0.jsonText(resolvingScalars: true)) }.flatMap { $0 }
            if got == expected {
                agreed += 1
            } else {
                disagreements.append("\(c.id) \(c.title): read \(got), YAML says \(expected)")
            }
        }
        let nonError = cases.filter { !$0.error }.count
        let errorCases = cases.count - nonError
        print("YAML test suite: \(nonError) valid cases: \(agreed) accepted and equal, \(acceptedWithoutJSON) accepted (no JSON to compare), \(refused) refused, \(disagreements.count) disagreements; \(errorCases) error cases: \(errorsRefused) refused, \(missedErrors.count) accepted")
        XCTAssertEqual(disagreements, [], "the parser read these cases differently from YAML")
        XCTAssertEqual(missedErrors, [], "the parser accepted these invalid documents")
        // A floor, so a change that makes the parser refuse more of YAML is noticed.
        XCTAssertGreaterThanOrEqual(agreed, 180, "fewer valid cases accepted than before")
    }

    /// The comparison itself can fail: a wrong reading is caught, not waved through.
    func testComparisonCatchesAWrongReading() throws {
        let documents = try YAML.parseStream("a: 1\nb: [x, 'y']\n")
        let got = try documents.map { try JSONValue.readStream($0.jsonText(resolvingScalars: true)) }.flatMap { $0 }
        XCTAssertEqual(got, try JSONValue.readStream(#"{"a": 1, "b": ["x", "y"]}"#))
        XCTAssertNotEqual(got, try JSONValue.readStream(#"{"a": "1", "b": ["x", "y"]}"#))
        XCTAssertNotEqual(got, try JSONValue.readStream(#"{"b": ["x", "y"], "a": 1}"#))
    }
}
