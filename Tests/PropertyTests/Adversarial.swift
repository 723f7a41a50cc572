import LocalPrivacy
import UsageReport
import SummaryChecks
import TestSupport
import AnonymousSummary

/// The user's data put into a skeleton's holes: adversarial strings, each drawn from the
/// choice source, and every canary token placed, so property 1 can look for them.
struct Filler {
    enum Category: String, CaseIterable {
        case canary, pluginName, kindName, payloadField, metacharacters, multiLine, nonASCII, empty,
             whitespace, lookalike, interpolation, canaryInMetacharacters
    }

    static let pluginNames = ["kafka", "aws_s3", "mapping", "switch", "generate", "stdout", "noop", "drop",
                              "resource", "broker", "processors", "label", "meta", "plugin"]
    static let payloadFields = ["id", "uptime", "components", "type", "name", "unlisted", "malformed",
                                #"{"type":"input","name":"kafka"}"#, #"","name":"x"#]
    static let metacharacters = ["a: b", "a #b", "- item", "[x, y]", "{a: 1}", "\"quoted\"", "'single'", "it's",
                                 "back\\slash", "&anchor", "*alias", "!tag", "%YAML", "@at", "`tick`", "|", ">",
                                 "---", "...", "? key", ": value", "a,b", "#", "\"", "{", "]", "\\u0041", "\t",
                                 "key:\tvalue"]
    static let multiLine = ["line one\nline two", "a\n\nb\n", "trailing\n", "\nleading", "x\n  indented\ny"]
    static let nonASCII = ["café", "日本語のラベル", "😀 emoji", "Ω≈ç√", "naïve — dash", "\u{2028}sep", "\u{85}nel"]
    static let whitespace = [" lead", "trail ", "a  b", " ", "\ttab"]
    static let lookalikes = ["true", "null", "~", "0x1F", "1e3", "-.inf", "yes", "0", "-1", "3.14"]
    static let interpolations = ["${SECRET}", "${HOME:/root}", "${! meta(\"kafka_key\") }", "${!this.id}", "$${NOT}"]

    /// Every string the filler can produce except canaries, for the coverage report.
    let source: ChoiceSource
    private(set) var canaries: [String] = []
    private(set) var used: [Category: Int] = [:]

    init(source: ChoiceSource) { self.source = source }

    mutating func string(for hole: Skeleton.Hole) -> String {
        let cats = Category.allCases
        var category = cats[Int(source.draw(UInt64(cats.count)))]
        // Interpolations in keys would neutralise to equal placeholders (a duplicate key).
        if hole == .userKey && category == .interpolation { category = .canary }
        used[category, default: 0] += 1
        switch category {
        case .canary: return canary()
        case .pluginName: return pick(Self.pluginNames)
        case .kindName: return pick(ComponentKind.allCases.map(\.rawValue))
        case .payloadField: return pick(Self.payloadFields)
        case .metacharacters: return pick(Self.metacharacters)
        case .multiLine: return pick(Self.multiLine)
        case .nonASCII: return pick(Self.nonASCII)
        case .empty: return ""
        case .whitespace: return pick(Self.whitespace)
        case .lookalike: return pick(Self.lookalikes)
        case .interpolation: return pick(Self.interpolations)
        case .canaryInMetacharacters: return pick(["# ", "- ", "k: ", "\"", "'", "{"]) + canary() + pick([": x", " #c", "\n", "}", "]", ""])
        }
    }

    private func pick(_ items: [String]) -> String { items[Int(source.draw(UInt64(items.count)))] }

    /// A token that cannot occur by chance: "cnry" and 8 hex digits, sometimes with non-ASCII.
    private mutating func canary() -> String {
        var token = "cnry"
        for _ in 0..<8 { token.append(Array("0123456789abcdef")[Int(source.draw(16))]) }
        if source.draw(4) == 3 { token += "é" }
        canaries.append(token)
        return token
    }

    /// `skeleton` with every hole filled; keys of one mapping stay distinct; with `shuffle`,
    /// mapping entries may change order (the walk must not care).
    mutating func fill(_ skeleton: Skeleton, shuffle: Bool) -> Tree {
        switch skeleton {
        case .null: return .null
        case .text(.fixed(let s)): return .scalar(s)
        case .text(.hole(let h)): return .scalar(string(for: h))
        case .seq(let items): return .seq(items.map { fill($0, shuffle: shuffle) })
        case .map(let pairs):
            var entries: [Tree.Entry] = []
            var keys = Set<String>()
            for (key, value) in pairs {
                var k: String
                switch key {
                case .fixed(let s): k = s
                case .hole(let h): k = string(for: h)
                }
                var n = 1
                let base = k
                while keys.contains(k) { k = base + "_\(n)"; n += 1 }
                keys.insert(k)
                entries.append(Tree.Entry(key: k, value: fill(value, shuffle: shuffle)))
            }
            if shuffle && entries.count > 1 {
                for i in stride(from: entries.count - 1, to: 0, by: -1) {
                    entries.swapAt(i, Int(source.draw(UInt64(i + 1))))
                }
            }
            return .map(entries)
        }
    }
}
