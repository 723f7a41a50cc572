import Primitives
import SummaryChecks
import TestSupport
import AnonymousSummary
import XCTest

/// The walk, shape by shape: what is counted, as what kind, and what is not.
final class SummariserTests: XCTestCase {
    let summariser = Summariser()

    /// "kind/name" → count, for the allow-listed components of `yaml`.
    func counts(_ yaml: String, role: ConfigSource.Role = .main, file: StaticString = #filePath, line: UInt = #line) -> [String: Int] {
        usage(yaml, role: role, file: file, line: line).map(Self.describe) ?? [:]
    }

    func usage(_ yaml: String, role: ConfigSource.Role = .main, file: StaticString = #filePath, line: UInt = #line) -> ComponentUsage? {
        do {
            return try summariser.usage(of: [ConfigSource(Array(yaml.utf8), role: role, name: "test.yaml")])
        } catch {
            XCTFail("refused: \(error)", file: file, line: line)
            return nil
        }
    }

    static func describe(_ usage: ComponentUsage) -> [String: Int] {
        var out: [String: Int] = [:]
        for (name, n) in usage.counts { out[name.description] = n }
        return out
    }

    func testTheDocumentationExampleYieldsOneGenerateInputAndOneS3Output() throws {
        let url = TestPaths.repositoryRoot.appendingPathComponent("Examples/telemetry-docs.yaml")
        let bytes = try Array(Data(contentsOf: url))
        let usage = try summariser.usage(of: [ConfigSource(bytes)])
        XCTAssertEqual(Self.describe(usage), ["input/generate": 1, "output/aws_s3": 1])
        XCTAssertEqual(usage.unlisted, [:])
        XCTAssertEqual(usage.malformed, [:])
        let id = try XCTUnwrap(InstanceID(parsing: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"))
        let payload = Summary(id: id, uptimeSeconds: 301, usage: usage).jsonString()
        XCTAssertEqual(payload.filter { $0 != " " },
                       #"{"id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9","uptime":301,"components":[{"type":"input","name":"generate"},{"type":"output","name":"aws_s3"}]}"#)
        XCTAssertEqual(payload.utf8.count, 256, "padded to the first size class")
        XCTAssertTrue(payload.hasSuffix("]" + String(repeating: " ", count: 256 - 142) + "}"), payload)
    }

    func testNestedBrokersAreWalkedAndTheirUserKeyedMapsAreNotRead() {
        let yaml = """
            input:
              broker:
                inputs:
                  - kafka: {addresses: [a]}
                  - broker:
                      inputs:
                        - stdin: {}
                        - dynamic:
                            inputs:
                              kafka: {topics: [x]}     # a user's name for an input, not a plugin
                              my_http: {http_server: {}}
                      batching:
                        processors:
                          - archive: {format: lines}
            """
        XCTAssertEqual(counts(yaml), ["input/broker": 2, "input/kafka": 1, "input/stdin": 1, "input/dynamic": 1,
                                      "input/http_server": 1, "processor/archive": 1],
                       "the `kafka` key of `dynamic.inputs` names a user's input; it is never read as a plugin")
        XCTAssertEqual(usage(yaml)?.unlisted, [.input: 1], "the value under it has only `topics`, an unknown key")
    }

    func testSwitchOutputCasesAndFallbackList() {
        let yaml = """
            output:
              switch:
                cases:
                  - check: this.a == 1
                    output:
                      aws_s3: {bucket: b}
                      processors:
                        - mutation: root.x = 1
                  - output:
                      fallback:
                        - http_client: {url: "http://x"}
                        - drop: {}
            """
        XCTAssertEqual(counts(yaml), ["output/switch": 1, "output/aws_s3": 1, "processor/mutation": 1,
                                      "output/fallback": 1, "output/http_client": 1, "output/drop": 1])
    }

    func testSwitchBranchWorkflowAndTryProcessors() {
        let yaml = """
            pipeline:
              processors:
                - switch:
                    - check: this.a
                      processors:
                        - branch:
                            request_map: root = this
                            processors:
                              - http: {url: "http://x"}
                    - processors: [ {noop: {}} ]
                - workflow:
                    branches:
                      mapping:              # a user's branch name that is also a plugin name
                        processors:
                          - cache: {resource: c, operator: get, key: k}
                      other:
                        processors: [ {log: {message: hi}} ]
                - try:
                    - jq: {query: .}
                    - catch: [ {log: {message: failed}} ]
            """
        XCTAssertEqual(counts(yaml), ["processor/switch": 1, "processor/branch": 1, "processor/http": 1,
                                      "processor/noop": 1, "processor/workflow": 1, "processor/cache": 1,
                                      "processor/log": 2, "processor/try": 1, "processor/jq": 1, "processor/catch": 1])
    }

    func testPositionDecidesTheKind() {
        let yaml = """
            input:
              resource: my_input
            pipeline:
              processors:
                - resource: my_proc
                - switch: []
            output:
              resource: my_output
            """
        XCTAssertEqual(counts(yaml), ["input/resource": 1, "processor/resource": 1, "processor/switch": 1, "output/resource": 1])
    }

    func testResourcesInAConfigAndInAResourcesFile() {
        let resources = """
            cache_resources:
              - label: hot
                memory: {default_ttl: 5m}
            rate_limit_resources:
              - label: slow
                local: {count: 10}
            processor_resources:
              - label: clean
                mapping: root = this
            input_resources:
              - label: in
                stdin: {}
            output_resources:
              - label: out
                stdout: {}
            """
        let expected = ["cache/memory": 1, "rate_limit/local": 1, "processor/mapping": 1, "input/stdin": 1, "output/stdout": 1]
        XCTAssertEqual(counts(resources, role: .resources), expected)
        XCTAssertEqual(counts(resources, role: .main), expected)
    }

    func testStreamConfigsHaveOnlyStreamSections() {
        let yaml = """
            input: {stdin: {}}
            output: {stdout: {}}
            cache_resources:
              - label: c
                memory: {}
            metrics: {prometheus: {}}
            """
        XCTAssertEqual(counts(yaml, role: .stream), ["input/stdin": 1, "output/stdout": 1])
        XCTAssertEqual(counts(yaml, role: .main), ["input/stdin": 1, "output/stdout": 1, "cache/memory": 1, "metrics/prometheus": 1])
    }

    func testLegacyTypeFormIsLookedUpNotCopied() throws {
        let yaml = """
            input:
              type: kafka
              kafka: {addresses: [a]}
            pipeline:
              processors:
                - type: bloblang
                  plugin: root = this
                - type: my_secret_plugin
                - type: [not, a, name]
            output:
              type: stdout
            """
        let u = try XCTUnwrap(usage(yaml))
        XCTAssertEqual(Self.describe(u), ["input/kafka": 1, "processor/bloblang": 1, "output/stdout": 1])
        XCTAssertEqual(u.unlisted, [.processor: 1])
        XCTAssertEqual(u.malformed, [.processor: 1])
        let payload = Summary(id: .random(), uptimeSeconds: 0, usage: u).jsonString()
        XCTAssertFalse(payload.contains("my_secret_plugin"))
    }

    /// Found in review: with `type: NAME`, the named plugin is counted and walked, not another
    /// plugin key beside it (0.2.0 counted the last such key).
    func testLegacyTypeCountsTheNamedPluginWhateverKeysSitBesideIt() throws {
        let yaml = """
            output:
              type: aws_s3
              aws_s3:
                batching:
                  processors:
                    - mapping: root = this
              http_client: {}
              generate: {}
            """
        let u = try XCTUnwrap(usage(yaml))
        XCTAssertEqual(Self.describe(u), ["output/aws_s3": 1, "processor/mapping": 1])
        // The same with the config under `plugin`.
        let viaPlugin = try XCTUnwrap(usage("""
            output:
              type: aws_s3
              http_client: {}
              plugin:
                batching:
                  processors:
                    - mapping: root = this
            """))
        XCTAssertEqual(Self.describe(viaPlugin), ["output/aws_s3": 1, "processor/mapping": 1])
    }

    /// A catalogue extended with `adding(_:)` walks by its own routes: a replaced plugin loses
    /// its child slots, an added one with slots has them walked.
    func testAnExtendedCatalogueWalksByItsOwnRoutes() throws {
        let yaml = "output:\n  aws_s3:\n    batching:\n      processors:\n        - mapping: x\n"
        let before = try Summariser().usage(of: [ConfigSource(Array(yaml.utf8))])
        XCTAssertEqual(Self.describe(before), ["output/aws_s3": 1, "processor/mapping": 1])
        let replaced = ComponentCatalog.benthos.adding([ComponentCatalog.Plugin(.output, "aws_s3")])
        let after = try Summariser(catalog: replaced).usage(of: [ConfigSource(Array(yaml.utf8))])
        XCTAssertEqual(Self.describe(after), ["output/aws_s3": 1])
        let acme = ComponentCatalog.benthos.adding([ComponentCatalog.Plugin(
            .output, "acme_sink", children: [ComponentCatalog.Slot([.field("then"), .items], .processor)])])
        let acmeYAML = "output:\n  acme_sink:\n    then:\n      - mapping: x\n      - bloblang: y\n"
        let walked = try Summariser(catalog: acme).usage(of: [ConfigSource(Array(acmeYAML.utf8))])
        XCTAssertEqual(Self.describe(walked), ["output/acme_sink": 1, "processor/mapping": 1, "processor/bloblang": 1])
    }

    /// Found by the fuzzer: a null `type` is one value however it is written.
    func testANullTypeIsMalformedHoweverItIsWritten() throws {
        for value in ["", " ~", " null", " Null", " NULL"] {
            let u = try XCTUnwrap(usage("pipeline:\n  processors:\n    - type:\(value)\n"))
            XCTAssertEqual(u.malformed, [.processor: 1], "type:\(value)")
            XCTAssertEqual(u.unlisted, [:], "type:\(value)")
        }
        XCTAssertEqual(usage("pipeline:\n  processors:\n    - type: 'null'\n")?.unlisted, [.processor: 1],
                       "a quoted 'null' is a string, a name not in the catalogue")
    }

    func testUnknownPluginsAreCountedPerKindAndTheirChildrenNotWalked() throws {
        let yaml = """
            input:
              label: secret_label
              my_custom_input:
                inner:
                  kafka: {}
                processors:
                  - mapping: root = this
            output:
              stdout: {}
            """
        let u = try XCTUnwrap(usage(yaml))
        XCTAssertEqual(Self.describe(u), ["output/stdout": 1])
        XCTAssertEqual(u.unlisted, [.input: 1])
        let payload = Summary(id: .random(), uptimeSeconds: 0, usage: u).jsonString()
        XCTAssertTrue(payload.filter { $0 != " " }.hasSuffix(#","unlisted":{"input":1}}"#), payload)
        XCTAssertFalse(payload.contains("my_custom_input"))
        XCTAssertFalse(payload.contains("secret_label"))
    }

    func testEmptyPluginConfigsAreCounted() {
        let yaml = """
            pipeline:
              processors:
                - noop: {}
                - log:
                - sleep: ''
            output:
              drop: null
            """
        XCTAssertEqual(counts(yaml), ["processor/noop": 1, "processor/log": 1, "processor/sleep": 1, "output/drop": 1])
    }

    func testTwoPluginsOrNoneIsMalformedNotGuessed() throws {
        let yaml = """
            pipeline:
              processors:
                - mapping: root = this
                  bloblang: root = that
                - label: only_a_label
                - just a string
            """
        let u = try XCTUnwrap(usage(yaml))
        XCTAssertEqual(u.counts, [:])
        XCTAssertEqual(u.malformed, [.processor: 3])
    }

    func testReservedKeysAreNotPlugins() {
        // `processors` is a processor plugin and a reserved list on inputs; `mapping` a processor
        // plugin and a reserved key of metrics; `meta` holds free-form user data.
        let yaml = """
            input:
              stdin: {}
              processors:
                - processors:
                    - noop: {}
              meta: {kafka: yes}
            metrics:
              mapping: root = this
              prometheus: {}
            """
        XCTAssertEqual(counts(yaml), ["input/stdin": 1, "processor/processors": 1, "processor/noop": 1, "metrics/prometheus": 1])
    }

    func testEnvironmentInterpolationIsNeutralisedAndBloblangLeftAlone() throws {
        // Only valid YAML once `${TOPICS}` is substituted, as Benthos does before parsing.
        let yaml = """
            input:
              kafka:
                topics: [ ${TOPICS} ]
                addresses: [ "${BROKER:localhost:9092}" ]
            pipeline:
              processors:
                - mapping: 'root.id = "${! uuid_v4() }"'
            output:
              ${OUTPUT_KIND:stdout}: {}
            """
        let u = try XCTUnwrap(usage(yaml))
        XCTAssertEqual(Self.describe(u), ["input/kafka": 1, "processor/mapping": 1])
        XCTAssertEqual(u.unlisted, [.output: 1], "an interpolated plugin name is not read from the environment")
        let doc = try XCTUnwrap(summariser.document(Array(yaml.utf8)))
        XCTAssertEqual(doc["pipeline"]?["processors"]?.sequenceItems?.first?["mapping"]?.scalarValue, #"root.id = "${! uuid_v4() }""#)
        XCTAssertEqual(doc["input"]?["kafka"]?["topics"]?.sequenceItems?.first?.scalarValue, "xxxxxxxxx")
    }

    func testSeveralConfigsMakeOneSummary() throws {
        let a = ConfigSource(Array("input: {stdin: {}}\noutput: {stdout: {}}\n".utf8), role: .stream, name: "a.yaml")
        let b = ConfigSource(Array("input: {stdin: {}}\noutput: {kafka: {}}\n".utf8), role: .stream, name: "b.yaml")
        let r = ConfigSource(Array("cache_resources: [{label: c, memory: {}}]\n".utf8), role: .resources, name: "r.yaml")
        let u = try summariser.usage(of: [a, b, r])
        XCTAssertEqual(Self.describe(u), ["input/stdin": 2, "output/stdout": 1, "output/kafka": 1, "cache/memory": 1])
    }

    func testABadConfigIsRefusedWithItsFileLineAndColumn() {
        let good = ConfigSource(Array("input: {stdin: {}}\n".utf8), name: "good.yaml")
        let bad = ConfigSource(Array("input:\n  stdin: {\n".utf8), name: "bad.yaml")
        XCTAssertThrowsError(try summariser.usage(of: [good, bad])) { error in
            let e = error as? SummaryError
            XCTAssertEqual(e?.source, 1)
            XCTAssertEqual(e?.description.hasPrefix("bad.yaml:2:10: "), true, e?.description ?? "")
        }
    }

    func testExplainSaysWhereEachComponentWasFound() throws {
        let yaml = "input:\n  broker:\n    inputs:\n      - stdin: {}\n      - mine: {}\n"
        let findings = try summariser.explain([ConfigSource(Array(yaml.utf8), name: "c.yaml")])
        XCTAssertEqual(findings.map(\.path), ["input", "input.broker.inputs[0]", "input.broker.inputs[1]"])
        XCTAssertEqual(findings.map(\.mark), [SourceMark(line: 2, column: 3), SourceMark(line: 4, column: 9), SourceMark(line: 5, column: 9)])
        XCTAssertEqual(findings.last?.outcome, .unlisted)
    }

    func testTheOrderAndFormattingOfAConfigNeverChangeThePayload() throws {
        let a = "input: {kafka: {}}\npipeline:\n  processors: [{mapping: a}, {noop: {}}, {mapping: b}]\noutput: {stdout: {}}\n"
        let b = "output:\n  stdout:\n    codec: lines\npipeline:\n  processors:\n    - noop: {}\n    - mapping: |\n        other\n    - mapping: 'x'\ninput:\n  label: renamed\n  kafka: {topics: [t]}\n"
        let id = InstanceID.random()
        let pa = Summary(id: id, uptimeSeconds: 7, usage: try summariser.usage(of: [ConfigSource(Array(a.utf8))])).jsonBytes()
        let pb = Summary(id: id, uptimeSeconds: 7, usage: try summariser.usage(of: [ConfigSource(Array(b.utf8))])).jsonBytes()
        XCTAssertEqual(pa, pb)
        XCTAssertEqual(String(decoding: pa, as: UTF8.self).filter { $0 != " " },
                       #"{"id":"\#(id)","uptime":7,"components":[{"type":"input","name":"kafka"},{"type":"processor","name":"mapping"},{"type":"processor","name":"mapping"},{"type":"processor","name":"noop"},{"type":"output","name":"stdout"}]}"#)
    }
}
