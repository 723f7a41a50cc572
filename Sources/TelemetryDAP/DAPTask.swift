import AnonymousSummary
import DAP
import Foundation
import TelemetrySender

/// A DAP task a host sends its plugin usage to: the protocol, the task id, the two aggregators,
/// the VDAF and the time precision (and, for DAP-18, what its `TaskConfiguration` binds), as the
/// aggregators were configured. Every field must be what they hold: DAP binds them into each
/// report, and a mismatch makes them reject every report. Read from a task file
/// (docs/dap.md, schema/dap-task.schema.json) by `init(file:name:)`.
public struct DAPTask: Sendable {
    /// The VDAF as the task names it, in Janus's spelling.
    public struct VDAF: Sendable, Equatable {
        public var type: String
        public var length: Int?
        /// Draft 08's bit width (Prio3Sum, Prio3SumVec).
        public var bits: Int?
        /// Draft 18's bound (Prio3Sum, Prio3SumVec).
        public var maxMeasurement: UInt64?
        public var chunkLength: Int?

        public init(type: String, length: Int? = nil, bits: Int? = nil, maxMeasurement: UInt64? = nil, chunkLength: Int? = nil) {
            (self.type, self.length, self.bits, self.maxMeasurement, self.chunkLength) = (type, length, bits, maxMeasurement, chunkLength)
        }
    }

    public var profile: DAPProfile
    public var id: DAPTaskID
    public var leader: URL
    public var helper: URL
    public var vdaf: VDAF
    /// Seconds. DAP-09 reports say the time rounded down to it; DAP-18 reports count its units.
    public var timePrecision: UInt64
    /// DAP-18's `TaskConfiguration` fields.
    public var minBatchSize: UInt64
    public var taskInfo: [UInt8]
    public var batchMode: DAPTaskConfiguration.BatchMode
    /// Each aggregator's HpkeConfigList, pinned in the task file: then never fetched.
    public var pinnedLeaderConfigs: DAPHpkeConfigList?
    public var pinnedHelperConfigs: DAPHpkeConfigList?
    /// An Oblivious HTTP relay every request goes through, and the gateway's key configuration
    /// (an URL to fetch it from, or the `application/ohttp-keys` bytes in URL-safe base64).
    public var ohttp: (relay: URL, keys: String)?

    public init(profile: DAPProfile, id: DAPTaskID, leader: URL, helper: URL, vdaf: VDAF, timePrecision: UInt64,
                minBatchSize: UInt64 = 100, taskInfo: [UInt8] = Array("anonymous-summary plugin usage".utf8),
                batchMode: DAPTaskConfiguration.BatchMode = .timeInterval,
                pinnedLeaderConfigs: DAPHpkeConfigList? = nil, pinnedHelperConfigs: DAPHpkeConfigList? = nil) {
        self.profile = profile
        self.id = id
        self.leader = leader
        self.helper = helper
        self.vdaf = vdaf
        self.timePrecision = timePrecision
        self.minBatchSize = minBatchSize
        self.taskInfo = taskInfo
        self.batchMode = batchMode
        self.pinnedLeaderConfigs = pinnedLeaderConfigs
        self.pinnedHelperConfigs = pinnedHelperConfigs
    }

    /// DAP-18's `TaskConfiguration` of this task (nil for DAP-09, which has none), or why not.
    public func configuration() throws(DAPTaskFileError) -> DAPTaskConfiguration? {
        guard profile == .dap18 else { return nil }
        let config: DAPVDAFConfiguration
        switch vdaf.type {
        case "Prio3Count": config = .prio3Count
        case "Prio3Sum": config = .prio3Sum(maxMeasurement: vdaf.maxMeasurement ?? 0)
        case "Prio3SumVec":
            config = .prio3SumVec(length: UInt32(vdaf.length ?? 0), maxMeasurement: vdaf.maxMeasurement ?? 0, chunkLength: UInt32(vdaf.chunkLength ?? 0))
        case "Prio3Histogram": config = .prio3Histogram(length: UInt32(vdaf.length ?? 0), chunkLength: UInt32(vdaf.chunkLength ?? 0))
        default: throw DAPTaskFileError(file: nil, line: 0, column: 0, message: "vdaf type \(vdaf.type) has no DAP-18 task configuration here")
        }
        return DAPTaskConfiguration(taskInfo: taskInfo, leaderURL: leader.absoluteString, helperURL: helper.absoluteString,
                                    timePrecision: timePrecision, minBatchSize: minBatchSize, batchMode: batchMode, vdaf: config)
    }
}

/// A task file that cannot be used: where (file, line, column) and why.
public struct DAPTaskFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String?
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String {
        (file.map { "\($0):" } ?? "") + (line > 0 ? "\(line):\(column): " : " ") + message
    }
}

extension DAPTask {
    /// The Prio3 types the interop client and a task file may name (Janus's spelling).
    public static let vdafTypes = ["Prio3Count", "Prio3Sum", "Prio3SumVec", "Prio3Histogram"]

    /// Reads a task file (JSON): strictly, every field of the right type, no field it does not
    /// know; an error names the file, line and column.
    public init(file bytes: [UInt8], name: String) throws(DAPTaskFileError) {
        func fail(_ message: String, _ mark: SourceMark?) -> DAPTaskFileError {
            DAPTaskFileError(file: name, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message)
        }
        guard bytes.count <= 1 << 20 else { throw fail("a task file is at most 1 MiB", nil) }
        let root: YAMLNode
        do {
            let nodes = try YAML.parseStream(bytes)
            guard nodes.count == 1, let only = nodes.first else { throw fail("one JSON object was expected", nil) }
            root = only
        } catch let error as YAMLError {
            throw fail("not JSON this reader takes: \(error.message)", error.mark)
        } catch let error as DAPTaskFileError {
            throw error
        } catch {
            throw fail("\(error)", nil)
        }
        let object = try Self.object(root, "the task", name)
        let protocolNode = try Self.field(object, "protocol", root, name)
        guard let profile = DAPProfile(name: try Self.string(protocolNode, name)) else {
            throw fail("protocol must be \"dap-09\" or \"dap-18\"", protocolNode.mark)
        }
        let idNode = try Self.field(object, "task_id", root, name)
        guard let id = DAPTaskID(base64URL: try Self.string(idNode, name)) else {
            throw fail("task_id must be 32 bytes in URL-safe base64", idNode.mark)
        }
        let leader = try Self.url(try Self.field(object, "leader", root, name), name)
        let helper = try Self.url(try Self.field(object, "helper", root, name), name)
        guard leader.absoluteString != helper.absoluteString, leader.host?.lowercased() != helper.host?.lowercased() || leader.port != helper.port else {
            throw fail("leader and helper are one server: DAP's promise needs two aggregators that do not collude", object["helper"]?.mark)
        }
        let vdafNode = try Self.field(object, "vdaf", root, name)
        let vdafObject = try Self.object(vdafNode, "vdaf", name)
        let typeNode = try Self.field(vdafObject, "type", vdafNode, name)
        let type = try Self.string(typeNode, name)
        guard Self.vdafTypes.contains(type) else {
            throw fail("vdaf type \(type) is not one of \(Self.vdafTypes.joined(separator: ", "))", typeNode.mark)
        }
        var vdaf = VDAF(type: type)
        var allowed: Set<String> = ["type"]
        switch type {
        case "Prio3Count": break
        case "Prio3Sum": allowed.insert(profile == .dap09 ? "bits" : "max_measurement")
        case "Prio3SumVec": allowed.formUnion(["length", "chunk_length", profile == .dap09 ? "bits" : "max_measurement"])
        default: allowed.formUnion(["length", "chunk_length"])
        }
        for (key, value) in vdafObject {
            guard allowed.contains(key) else { throw fail("vdaf: \(key) is not a parameter of \(type) in \(profile)", value.mark) }
            switch key {
            case "length": vdaf.length = Int(try Self.number(value, name, max: 1 << 24, min: 1))
            case "bits": vdaf.bits = Int(try Self.number(value, name, max: 64, min: 1))
            case "max_measurement": vdaf.maxMeasurement = try Self.number(value, name, max: UInt64.max, min: 1)
            case "chunk_length": vdaf.chunkLength = Int(try Self.number(value, name, max: 1 << 24, min: 1))
            default: break
            }
        }
        for key in allowed where vdafObject[key] == nil {
            throw fail("vdaf: \(type) needs \(key)", vdafNode.mark)
        }
        let precision = try Self.number(try Self.field(object, "time_precision", root, name), name, max: 1 << 40, min: 1)
        self.init(profile: profile, id: id, leader: leader, helper: helper, vdaf: vdaf, timePrecision: precision)
        var known: Set<String> = ["protocol", "task_id", "leader", "helper", "vdaf", "time_precision", "hpke_configs", "ohttp"]
        if profile == .dap18 {
            known.formUnion(["min_batch_size", "task_info", "batch_mode"])
            minBatchSize = try Self.number(try Self.field(object, "min_batch_size", root, name), name, max: UInt64.max, min: 1)
            let infoNode = try Self.field(object, "task_info", root, name)
            taskInfo = Array(try Self.string(infoNode, name).utf8)
            guard taskInfo.count <= 255 else { throw fail("task_info is at most 255 bytes", infoNode.mark) }
            let modeNode = try Self.field(object, "batch_mode", root, name)
            switch try Self.string(modeNode, name) {
            case "time_interval": batchMode = .timeInterval
            case "leader_selected": batchMode = .leaderSelected
            default: throw fail("batch_mode must be \"time_interval\" or \"leader_selected\"", modeNode.mark)
            }
        }
        for (key, value) in object where !known.contains(key) {
            throw fail("\(key) is not a field of a \(profile) task file", value.mark)
        }
        if let node = object["ohttp"] {
            let o = try Self.object(node, "ohttp", name)
            for (key, value) in o where key != "relay" && key != "keys" { throw fail("ohttp: \(key) is not relay or keys", value.mark) }
            let relay = try Self.url(try Self.field(o, "relay", node, name), name)
            let keysNode = try Self.field(o, "keys", node, name)
            let keys = try Self.string(keysNode, name)
            guard keys.hasPrefix("https://") || keys.hasPrefix("http://") || Base64URL.decode(keys) != nil else {
                throw fail("ohttp.keys must be an URL or the key configuration in URL-safe base64", keysNode.mark)
            }
            ohttp = (relay, keys)
        }
        if let pins = object["hpke_configs"] {
            let pinned = try Self.object(pins, "hpke_configs", name)
            for (key, value) in pinned {
                guard key == "leader" || key == "helper" else { throw fail("hpke_configs: \(key) is not leader or helper", value.mark) }
                guard let bytes = Base64URL.decode(try Self.string(value, name)), let list = try? DAPHpkeConfigList(decoding: bytes) else {
                    throw fail("hpke_configs.\(key) is not an HpkeConfigList in URL-safe base64", value.mark)
                }
                guard list.firstUsable != nil else {
                    throw fail("hpke_configs.\(key) has no configuration this client can use (X25519, HKDF-SHA256, AES-128-GCM or ChaCha20-Poly1305)", value.mark)
                }
                if key == "leader" { pinnedLeaderConfigs = list } else { pinnedHelperConfigs = list }
            }
        }
    }

    // MARK: Strict JSON readers

    static func object(_ node: YAMLNode, _ what: String, _ name: String) throws(DAPTaskFileError) -> [String: YAMLNode] {
        guard let pairs = node.mappingPairs else {
            throw DAPTaskFileError(file: name, line: node.mark.line, column: node.mark.column, message: "\(what) must be a JSON object")
        }
        var out: [String: YAMLNode] = [:]
        for pair in pairs {
            guard case .scalar(let key, .doubleQuoted) = pair.key.content else {
                throw DAPTaskFileError(file: name, line: pair.key.mark.line, column: pair.key.mark.column, message: "a key must be a JSON string")
            }
            out[key] = pair.value
        }
        return out
    }

    static func field(_ object: [String: YAMLNode], _ key: String, _ parent: YAMLNode, _ name: String) throws(DAPTaskFileError) -> YAMLNode {
        guard let node = object[key] else {
            throw DAPTaskFileError(file: name, line: parent.mark.line, column: parent.mark.column, message: "\(key) is missing")
        }
        return node
    }

    static func string(_ node: YAMLNode, _ name: String) throws(DAPTaskFileError) -> String {
        guard case .scalar(let value, .doubleQuoted) = node.content else {
            throw DAPTaskFileError(file: name, line: node.mark.line, column: node.mark.column, message: "a JSON string was expected")
        }
        return value
    }

    /// A JSON number that is a whole number in min...max, or a string of one (as the interop API writes them).
    static func number(_ node: YAMLNode, _ name: String, max: UInt64, min: UInt64) throws(DAPTaskFileError) -> UInt64 {
        guard case .scalar(let text, let style) = node.content, style == .plain || style == .doubleQuoted,
              !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), !(text.hasPrefix("0") && text.count > 1),
              let value = UInt64(text), value >= min, value <= max else {
            throw DAPTaskFileError(file: name, line: node.mark.line, column: node.mark.column,
                                   message: "a whole number from \(min) to \(max) was expected")
        }
        return value
    }

    static func url(_ node: YAMLNode, _ name: String) throws(DAPTaskFileError) -> URL {
        let text = try string(node, name)
        guard let url = URL(string: text), (try? TelemetryConfiguration.check(url)) != nil else {
            throw DAPTaskFileError(file: name, line: node.mark.line, column: node.mark.column,
                                   message: "'\(text)' is not an https URL (http only to a loopback address)")
        }
        // Kept as written: DAP-18 binds the URL's text into every report.
        return url
    }
}
