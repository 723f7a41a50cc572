import AnonymousSummary
import LocalPrivacy
import UsageReport
import SummaryChecks
import TestSupport
import Foundation

/// A minimal JSON Schema (draft 2020-12) validator for the keywords the payload schema uses:
/// type, properties, required, additionalProperties, items, oneOf, const, enum, pattern,
/// minimum, exclusiveMinimum, maximum, minProperties, $ref to $defs. Test-only; it answers with the first violation.
struct SchemaValidator {
    let root: [String: Any]

    init(schemaAt url: URL) throws {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let dict = object as? [String: Any] else { throw CocoaError(.fileReadCorruptFile) }
        root = dict
    }

    static var payloadSchemaURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("schema/payload.schema.json")
    }

    static var ldpPayloadSchemaURL: URL {
        payloadSchemaURL.deletingLastPathComponent().appendingPathComponent("ldp-payload.schema.json")
    }

    /// nil if `json` is valid, else the first violation found.
    func violation(in json: [UInt8]) -> String? {
        guard let value = try? JSONSerialization.jsonObject(with: Data(json), options: [.fragmentsAllowed]) else {
            return "not JSON"
        }
        return violation(value, root, at: "$")
    }

    private func violation(_ value: Any, _ schema: [String: Any], at path: String) -> String? {
        if let ref = schema["$ref"] as? String {
            let name = ref.replacingOccurrences(of: "#/$defs/", with: "")
            guard let defs = root["$defs"] as? [String: Any], let target = defs[name] as? [String: Any] else {
                return "\(path): unresolvable $ref \(ref)"
            }
            if let v = violation(value, target, at: path) { return v }
        }
        if let type = schema["type"] as? String, !Self.isType(value, type) { return "\(path): not \(type)" }
        if let constant = schema["const"], !Self.equal(value, constant) { return "\(path): not \(constant)" }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal(value, $0) }) {
            return "\(path): \(value) not in the enum"
        }
        if let pattern = schema["pattern"] as? String, let s = value as? String {
            if s.range(of: pattern, options: .regularExpression) == nil { return "\(path): \(s) does not match \(pattern)" }
        }
        if let minimum = schema["minimum"] as? NSNumber, let n = value as? NSNumber, n.doubleValue < minimum.doubleValue {
            return "\(path): \(n) below \(minimum)"
        }
        if let minimum = schema["exclusiveMinimum"] as? NSNumber, let n = value as? NSNumber, n.doubleValue <= minimum.doubleValue {
            return "\(path): \(n) not above \(minimum)"
        }
        if let maximum = schema["maximum"] as? NSNumber, let n = value as? NSNumber, n.doubleValue > maximum.doubleValue {
            return "\(path): \(n) above \(maximum)"
        }
        if let object = value as? [String: Any] {
            if let required = schema["required"] as? [String] {
                for key in required where object[key] == nil { return "\(path): missing \(key)" }
            }
            if let minimum = schema["minProperties"] as? Int, object.count < minimum { return "\(path): fewer than \(minimum) properties" }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, v) in object {
                if let sub = properties[key] as? [String: Any] {
                    if let violation = violation(v, sub, at: "\(path).\(key)") { return violation }
                } else if let additional = schema["additionalProperties"] {
                    if let allowed = additional as? Bool {
                        if !allowed { return "\(path): unexpected property \(key)" }
                    } else if let sub = additional as? [String: Any], let violation = violation(v, sub, at: "\(path).\(key)") {
                        return violation
                    }
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, item) in array.enumerated() {
                if let violation = violation(item, items, at: "\(path)[\(i)]") { return violation }
            }
        }
        if let options = schema["oneOf"] as? [[String: Any]] {
            let matching = options.filter { violation(value, $0, at: path) == nil }.count
            if matching != 1 { return "\(path): matches \(matching) of oneOf, not exactly one" }
        }
        return nil
    }

    static func isType(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "integer":
            guard let n = value as? NSNumber else { return false }
            return n.doubleValue == n.doubleValue.rounded()
        case "number": return value is NSNumber
        case "null": return value is NSNull
        default: return false  // the payload schema uses no other type
        }
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        if let x = a as? String, let y = b as? String { return x == y }
        if let x = a as? NSNumber, let y = b as? NSNumber { return x == y }
        return false
    }
}
