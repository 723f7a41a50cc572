import Primitives
import SummaryChecks
import TestSupport
import AnonymousSummary
import Foundation
import XCTest

/// The catalogue: the committed Benthos one against the plugin facts, and the public API a
/// host uses to build or extend one.
final class CatalogTests: XCTestCase {
    /// `batching.processors[]` → [.field("batching"), .field("processors"), .items] (the facts' syntax).
    static func steps(_ path: String) -> [String] {
        guard !path.isEmpty else { return [] }
        var out: [String] = []
        for segment in path.split(separator: ".", omittingEmptySubsequences: false) {
            if segment == "*" { out.append("*"); continue }
            let items = segment.hasSuffix("[]")
            let name = items ? segment.dropLast(2) : segment[...]
            if !name.isEmpty { out.append("." + name) }
            if items { out.append("[]") }
        }
        return out
    }

    static func steps(_ slot: ComponentCatalog.Slot) -> [String] {
        slot.path.map { step in
            switch step {
            case .field(let name): return ".\(name)"
            case .items: return "[]"
            case .values: return "*"
            }
        }
    }

    func testEveryPluginAndChildFieldOfTheFactsIsInTheCatalogue() throws {
        let url = try TestPaths.sharedFixture("benthos-catalog/catalog.json")
        let facts = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let catalog = ComponentCatalog.benthos
        let plugins = try XCTUnwrap(facts["plugins"] as? [String: [[String: Any]]])
        var current = 0
        for (kindName, entries) in plugins {
            let kind = try XCTUnwrap(ComponentKind(rawValue: kindName), kindName)
            for entry in entries {
                let name = try XCTUnwrap(entry["name"] as? String)
                XCTAssertEqual(catalog.plugin(named: name, kind: kind)?.name, name, "\(kindName)/\(name) missing")
                current += 1
            }
        }
        let historical = try XCTUnwrap((facts["historical"] as? [String: Any])?["entries"] as? [[String: Any]])
        for entry in historical {
            let kind = try XCTUnwrap(ComponentKind(rawValue: entry["kind"] as? String ?? ""))
            let name = try XCTUnwrap(entry["name"] as? String)
            XCTAssertNotNil(catalog.plugin(named: name, kind: kind), "historical \(kind)/\(name) missing")
        }
        XCTAssertEqual(current, 319)
        let children = try XCTUnwrap(facts["child_fields"] as? [[String: Any]])
        XCTAssertEqual(children.count, 109)
        for child in children {
            let kind = try XCTUnwrap(ComponentKind(rawValue: child["kind"] as? String ?? ""))
            let childKind = try XCTUnwrap(ComponentKind(rawValue: child["child"] as? String ?? ""))
            let plugin = try XCTUnwrap(child["plugin"] as? String)
            let field = try XCTUnwrap(child["field"] as? String)
            let entry = try XCTUnwrap(catalog.plugins.first { $0.kind == kind && "\($0.name)" == plugin })
            XCTAssertTrue(entry.children.contains { $0.kind == childKind && Self.steps($0) == Self.steps(field) },
                          "\(kind)/\(plugin): child field \(field) (\(childKind)) missing")
        }
        // Nothing invented: every catalogue name is in the facts.
        var known = Set<String>()
        for (kindName, entries) in plugins { for e in entries { known.insert("\(kindName)/\(e["name"] as? String ?? "")") } }
        for e in historical { known.insert("\(e["kind"] as? String ?? "")/\(e["name"] as? String ?? "")") }
        for name in catalog.allNames { XCTAssertTrue(known.contains(name.description), "\(name) is not in the facts") }
    }

    func testAHostExtendsTheCatalogueWithItsOwnPlugins() throws {
        let yaml = Array("pipeline:\n  processors:\n    - acme_enrich: {}\n    - mapping: root = this\n".utf8)
        let before = try Summariser().usage(of: [ConfigSource(yaml)])
        XCTAssertEqual(before.unlisted, [.processor: 1])
        let extended = ComponentCatalog.benthos.adding([ComponentCatalog.Plugin(.processor, "acme_enrich")])
        let after = try Summariser(catalog: extended).usage(of: [ConfigSource(yaml)])
        XCTAssertEqual(after.components.map(\.description), ["processor/acme_enrich", "processor/mapping"])
        XCTAssertEqual(after.unlisted, [:])
    }

    func testAHostBuildsItsOwnCatalogue() throws {
        let catalog = ComponentCatalog(
            layout: .init(mainConfig: [.init([.field("sources"), .items], .input),
                                       .init([.field("sink")], .output)],
                          resources: [], stream: []),
            reservedFields: [.input: ["name"], .output: ["name"]],
            reservedChildren: [:],
            plugins: [.init(.input, "file"), .init(.input, "tee", children: [.init([.field("into"), .items], .input)]),
                      .init(.output, "file")],
            typeField: nil, pluginConfigField: nil)
        let yaml = Array("sources:\n  - name: a\n    tee:\n      into: [{file: {}}, {socket: {}}]\nsink:\n  type: file\n".utf8)
        let u = try Summariser(catalog: catalog).usage(of: [ConfigSource(yaml)])
        XCTAssertEqual(u.components.map(\.description), ["input/file", "input/tee"])
        XCTAssertEqual(u.unlisted, [.input: 1, .output: 1], "without a type field, `type` is just an unknown key")
    }

    func testTheCommittedSchemaIsTheOneTheCatalogueGenerates() throws {
        let url = TestPaths.repositoryRoot.appendingPathComponent("schema/payload.schema.json")
        let committed = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(committed, ComponentCatalog.benthos.payloadSchemaJSON(),
                       "schema/payload.schema.json is stale: run `swift run anonymous-summary schema > schema/payload.schema.json`")
        for name in ComponentCatalog.benthos.allNames {
            XCTAssertTrue(committed.contains("\"\(name.name)\""), "\(name) missing from the schema")
        }
    }
}
