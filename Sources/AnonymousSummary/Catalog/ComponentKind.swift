/// The kinds of component a config is made of. Position in the config decides the kind,
/// never the name: `switch` is an output, a processor and a scanner depending on where it sits.
public enum ComponentKind: String, CaseIterable, Sendable, Hashable, Comparable {
    case input
    case output
    case processor
    case cache
    case rate_limit
    case buffer
    case metrics
    case tracer
    case scanner

    /// The order components are listed in the payload.
    var order: Int {
        switch self {
        case .input: 0
        case .buffer: 1
        case .processor: 2
        case .output: 3
        case .cache: 4
        case .rate_limit: 5
        case .metrics: 6
        case .tracer: 7
        case .scanner: 8
        }
    }

    public static func < (a: ComponentKind, b: ComponentKind) -> Bool { a.order < b.order }

    /// The kind's name as it appears in the payload, from a literal (never from a config).
    public var staticName: StaticString {
        switch self {
        case .input: "input"
        case .output: "output"
        case .processor: "processor"
        case .cache: "cache"
        case .rate_limit: "rate_limit"
        case .buffer: "buffer"
        case .metrics: "metrics"
        case .tracer: "tracer"
        case .scanner: "scanner"
        }
    }
}
