extension ComponentCatalog {
    /// A closed JSON Schema (draft 2020-12) of the payloads this catalogue can produce: no
    /// additional properties anywhere, each component's `name` an enum of the allow-list of its
    /// `type`. `schema/payload.schema.json` is this text for `ComponentCatalog.benthos`
    /// (`anonymous-summary schema` prints it; a test checks the committed file).
    public func payloadSchemaJSON() -> String {
        var lines: [String] = []
        func q(_ s: String) -> String {
            var out: [UInt8] = []
            JSONText.appendString(s, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        let kinds = ComponentKind.allCases.sorted()
        lines.append("{")
        lines.append(#"  "$schema": "https://json-schema.org/draft/2020-12/schema","#)
        lines.append(#"  "$id": "payload.schema.json","#)
        lines.append(#"  "title": "Anonymous plugin usage summary","#)
        lines.append(#"  "description": "Everything the telemetry sends: a random version-4 UUID, an uptime in seconds (whole hours), and the allow-listed plugin names in use, sorted by kind then name, at most 4 entries of one plugin, with per-kind counts of unlisted and malformed components (unlisted also counts, never names, the plugins a payload too large to name them all leaves out), then spaces up to 256, 1,024 or 4,096 bytes: never longer. Generated from the component catalogue.","#)
        lines.append(#"  "type": "object","#)
        lines.append(#"  "additionalProperties": false,"#)
        lines.append(#"  "required": ["id", "uptime", "components"],"#)
        lines.append(#"  "properties": {"#)
        lines.append(#"    "id": {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"},"#)
        lines.append(#"    "uptime": {"type": "integer", "minimum": 0},"#)
        lines.append(#"    "components": {"#)
        lines.append(#"      "type": "array","#)
        lines.append(#"      "items": {"#)
        lines.append(#"        "oneOf": ["#)
        for (k, kind) in kinds.enumerated() {
            let names = plugins.filter { $0.kind == kind }.map { $0.name.description }.sorted()
            lines.append(#"          {"#)
            lines.append(#"            "type": "object","#)
            lines.append(#"            "additionalProperties": false,"#)
            lines.append(#"            "required": ["type", "name"],"#)
            lines.append(#"            "properties": {"#)
            lines.append(#"              "type": {"const": \#(q(kind.rawValue))},"#)
            lines.append(#"              "name": {"enum": ["#)
            for (i, name) in names.enumerated() {
                lines.append("                " + q(name) + (i + 1 < names.count ? "," : ""))
            }
            lines.append(#"              ]}"#)
            lines.append(#"            }"#)
            lines.append("          }" + (k + 1 < kinds.count ? "," : ""))
        }
        lines.append(#"        ]"#)
        lines.append(#"      }"#)
        lines.append(#"    },"#)
        lines.append(##"    "unlisted": {"$ref": "#/$defs/countsByKind"},"##)
        lines.append(##"    "malformed": {"$ref": "#/$defs/countsByKind"}"##)
        lines.append(#"  },"#)
        lines.append(#"  "$defs": {"#)
        lines.append(#"    "countsByKind": {"#)
        lines.append(#"      "type": "object","#)
        lines.append(#"      "minProperties": 1,"#)
        lines.append(#"      "additionalProperties": false,"#)
        lines.append(#"      "properties": {"#)
        for (k, kind) in kinds.enumerated() {
            lines.append("        \(q(kind.rawValue)): {\"type\": \"integer\", \"minimum\": 1}" + (k + 1 < kinds.count ? "," : ""))
        }
        lines.append(#"      }"#)
        lines.append(#"    }"#)
        lines.append(#"  }"#)
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
