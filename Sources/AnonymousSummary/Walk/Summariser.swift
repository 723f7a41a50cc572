/// A config file given to the summariser.
public struct ConfigSource: Sendable {
    /// What the file is, which decides where components sit in it.
    public enum Role: Sendable {
        /// A main config (`-c`): input, buffer, pipeline, output, resources, metrics, tracer.
        case main
        /// A resources file (`-r`): the `*_resources` lists.
        case resources
        /// A stream config in streams mode: input, buffer, pipeline, output.
        case stream
    }

    public var bytes: [UInt8]
    public var role: Role
    /// How errors name the file.
    public var name: String

    public init(_ bytes: [UInt8], role: Role = .main, name: String = "<config>") {
        self.bytes = bytes
        self.role = role
        self.name = name
    }
}

/// A config the summariser could not read.
public struct SummaryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which config (0-based, in the order given) and its name.
    public var source: Int
    public var name: String
    public var yamlError: YAMLError

    /// `FILE:LINE:COLUMN: message`
    public var description: String { yamlError.formatted(file: name) }
}

/// From config bytes to `ComponentUsage`: neutralise environment interpolations, parse, walk.
public struct Summariser: Sendable {
    public var catalog: ComponentCatalog
    public var limits: YAMLLimits

    public init(catalog: ComponentCatalog = .benthos, limits: YAMLLimits = .default) {
        self.catalog = catalog
        self.limits = limits
    }

    /// The plugins used by all `sources` together (one summary covers a config and its
    /// resource files, or every stream of a streams-mode folder).
    public func usage(of sources: [ConfigSource]) throws(SummaryError) -> ComponentUsage {
        var total = ComponentUsage()
        for (i, source) in sources.enumerated() {
            total.merge(try walk(source, index: i, explaining: false).usage)
        }
        return total
    }

    /// Where each component of `sources` was found and how it was counted (for the user).
    public func explain(_ sources: [ConfigSource]) throws(SummaryError) -> [ComponentFinding] {
        var all: [ComponentFinding] = []
        for (i, source) in sources.enumerated() {
            all += try walk(source, index: i, explaining: true).findings ?? []
        }
        return all
    }

    /// The document the walk reads from `bytes`: as Benthos does, the first document of the
    /// stream after environment interpolations are replaced (nil for an empty stream), as a tree.
    public func document(_ bytes: [UInt8]) throws(YAMLError) -> YAMLNode? {
        let flat = try flatDocument(bytes)
        return flat.roots.first.map { flat.tree($0) }
    }

    /// The same stream, flat, as the walk reads it (every document parsed, the first walked).
    public func flatDocument(_ bytes: [UInt8]) throws(YAMLError) -> YAMLDocument {
        let text = try InputDecoder.decode(bytes, limits: limits)
        // Neutralising replaces whole ASCII-delimited runs with ASCII, so the text stays valid.
        return try YAML.parseDecoded(EnvironmentInterpolation.neutralise(text), limits: limits)
    }

    /// The plugins used by an already parsed stream (`flatDocument(_:)`), read as `role`.
    public func usage(ofDocument flat: YAMLDocument, role: ConfigSource.Role = .main) -> ComponentUsage {
        var walker = ConfigWalker(catalog: catalog, source: 0, document: flat, explaining: false)
        guard let root = flat.roots.first else { return walker.usage }
        walker.walk(root, routes: routes(for: role))
        return walker.usage
    }

    private func routes(for role: ConfigSource.Role) -> [RouteTable.Route] {
        switch role {
        case .main: return catalog.routes.mainConfig
        case .resources: return catalog.routes.resources
        case .stream: return catalog.routes.stream
        }
    }

    private func walk(_ source: ConfigSource, index: Int, explaining: Bool) throws(SummaryError) -> ConfigWalker {
        let flat: YAMLDocument
        do {
            flat = try flatDocument(source.bytes)
        } catch {
            throw SummaryError(source: index, name: source.name, yamlError: error)
        }
        var walker = ConfigWalker(catalog: catalog, source: index, document: flat, explaining: explaining)
        guard let root = flat.roots.first else { return walker }
        walker.walk(root, routes: routes(for: source.role))
        return walker
    }
}
