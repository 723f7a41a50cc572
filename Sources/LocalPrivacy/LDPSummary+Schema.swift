import AnonymousSummary
import Primitives

extension ComponentCatalog {
    /// A closed JSON Schema of the LDP payloads this catalogue's hosts send: the catalogue's
    /// fingerprint as a constant, and the bits as exactly its width in hex (unused low bits of
    /// the last digit 0). `schema/ldp-payload.schema.json` is this text for `.benthos`
    /// (`anonymous-summary schema --ldp`; a test checks the committed file).
    public func ldpPayloadSchemaJSON() -> String {
        let layout = pluginLayout
        let digits = (layout.width + 3) / 4
        let spare = digits * 4 - layout.width
        let last = ["[0-9a-f]", "[02468ace]", "[048c]", "[08]"][spare]
        let pattern = "^[0-9a-f]{\(digits - 1)}\(last)$"
        return """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": "ldp-payload.schema.json",
              "title": "Anonymous plugin usage, randomized (local differential privacy)",
              "description": "What the telemetry sends in LDP mode: a random version-4 UUID, an uptime in seconds (whole hours), the mechanism (optimized unary encoding) and its epsilon, the fingerprint of the catalogue whose bits are reported, and the reported bits: \(layout.plugins.count) plugin bits in catalogue order (kind, then name), then \(layout.kinds.count) unlisted bits (one per kind), 4 to a hex digit, the first bit the digit's high bit. Each bit is 1 with probability 1/2 if true and 1/(e^epsilon + 1) if not. Generated from the component catalogue.",
              "type": "object",
              "additionalProperties": false,
              "required": ["id", "uptime", "mechanism", "epsilon", "catalog", "bits"],
              "properties": {
                "id": {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"},
                "uptime": {"type": "integer", "minimum": 0},
                "mechanism": {"const": "oue"},
                "epsilon": {"type": "number", "exclusiveMinimum": 0, "maximum": \(OptimizedUnaryEncoding.maxEpsilon)},
                "catalog": {"const": "\(layout.fingerprint)"},
                "bits": {"type": "string", "pattern": "\(pattern)"}
              }
            }

            """
    }
}
