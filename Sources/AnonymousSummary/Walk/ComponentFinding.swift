/// One component the walk met, for `anonymous-summary explain`: shown to the user, never sent.
///
/// Its `path` is built only from the catalogue's own names, list indices and `*` for a key the
/// user chose, and `mark` says where in the file it is, so no text of the config is copied
/// into it either.
public struct ComponentFinding: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// An allow-listed plugin: in the payload.
        case counted(PluginName)
        /// A plugin name not in the catalogue: only counted per kind.
        case unlisted
        /// Not a component the walk could read: counted per kind, children not walked.
        case malformed(MalformedReason)
    }

    public enum MalformedReason: String, Sendable, Equatable {
        case notAMapping = "not a mapping"
        case noPlugin = "names no plugin"
        case severalPlugins = "names more than one plugin"
        case typeNotAName = "its type is not a name"
        case wrongShape = "a field that holds components has the wrong shape"
    }

    /// Which of the configs given to the summariser it is in (0-based).
    public var source: Int
    public var path: String
    public var mark: SourceMark
    public var kind: ComponentKind
    public var outcome: Outcome
}
