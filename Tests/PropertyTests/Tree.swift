import LocalPrivacy
import UsageReport
import SummaryChecks
import TestSupport
import AnonymousSummary

/// A YAML document as the generator builds it and the renderer writes it: what the parser
/// must read back (property 5).
indirect enum Tree: Equatable {
    case null
    case scalar(String)
    case seq([Tree])
    case map([Entry])

    struct Entry: Equatable {
        var key: String
        var value: Tree
    }

    /// True if `node` is this tree (strings compared, styles ignored; null is a plain null).
    func matches(_ node: YAMLNode) -> Bool {
        switch (self, node.content) {
        case (.null, .scalar(let s, .plain)): return ["", "~", "null", "Null", "NULL"].contains(s)
        case (.scalar(let a), .scalar(let b, _)): return a == b
        case (.seq(let items), .sequence(let nodes)):
            return items.count == nodes.count && zip(items, nodes).allSatisfy { $0.matches($1) }
        case (.map(let entries), .mapping(let pairs)):
            return entries.count == pairs.count && zip(entries, pairs).allSatisfy {
                $1.key.scalarValue == $0.key && $0.value.matches($1.value)
            }
        default: return false
        }
    }

    var depth: Int {
        switch self {
        case .null, .scalar: return 0
        case .seq(let items): return 1 + (items.map(\.depth).max() ?? 0)
        case .map(let entries): return 1 + (entries.map(\.value.depth).max() ?? 0)
        }
    }
}

/// A tree with holes where the user's data goes (values, labels, keys of user-keyed maps).
/// The structure decides the summary; the holes must never matter.
indirect enum Skeleton {
    case null
    case text(Text)
    case seq([Skeleton])
    case map([(Text, Skeleton)])

    enum Text {
        case fixed(String)
        case hole(Hole)
    }

    enum Hole: String, CaseIterable {
        case value, label, userKey
    }
}
