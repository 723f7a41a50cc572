import AnonymousSummary
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HPKE
import DAP
import VDAF
import TelemetrySender

/// The secret-shared telemetry mode for a DAP task: at each send, a report of the usage (Prio3
/// shares, each encrypted to its aggregator) uploaded to the task's Leader through the sender's
/// transport and at the sender's time. Each aggregator's HPKE configuration list is pinned in the
/// task file, or fetched through the same transport and kept for its cache lifetime (at least a
/// day; fetched again after a decryption-related rejection).
/// Every failure, a DAP problem document included, is an error for the sender's log.
public final class DAPTelemetry: SecretSharedTelemetry, @unchecked Sendable {
    public let task: DAPTask
    public let layout: DAPTelemetryLayout
    let vdaf: TelemetryVDAF
    let configuration: DAPTaskConfiguration?
    /// The process's choice of which plugins a config over the weight bound keeps: drawn once, so
    /// every send of a process (and its preview) reports the same ones.
    private let selectionSeed: [UInt8]

    /// The telemetry for `task`, which must name the telemetry's VDAF: Prio3SumVec over the
    /// layout's length with bits 1 (DAP-09) or max_measurement 1 (DAP-18).
    public init(task: DAPTask, catalog: ComponentCatalog = .benthos) throws(DAPTaskFileError) {
        let layout = DAPTelemetryLayout(catalog: catalog)
        let bound = task.profile == .dap09 ? "\"bits\": 1" : "\"max_measurement\": 1"
        func refuse(_ why: String) -> DAPTaskFileError {
            DAPTaskFileError(file: nil, line: 0, column: 0,
                             message: "the telemetry needs vdaf {\"type\": \"Prio3SumVec\", \"length\": \(layout.length), \(bound), \"chunk_length\": …} "
                                 + "(anonymous-summary schema --dap-layout): \(why)")
        }
        guard task.vdaf.type == "Prio3SumVec" else { throw refuse("this task's is \(task.vdaf.type)") }
        guard task.vdaf.length == layout.length else { throw refuse("this task's length is \(task.vdaf.length ?? 0)") }
        guard task.profile == .dap09 ? task.vdaf.bits == 1 : task.vdaf.maxMeasurement == 1 else { throw refuse("an entry is 0 or 1") }
        guard let chunk = task.vdaf.chunkLength, let vdaf = try? TelemetryMeasurement.vdaf(task.profile, length: layout.length, chunkLength: chunk) else {
            throw refuse("no chunk_length this package can use")
        }
        self.task = task
        self.layout = layout
        self.vdaf = vdaf
        configuration = try task.configuration()
        var g = SystemRandomNumberGenerator()
        selectionSeed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    public var description: String {
        "dap (\(task.profile), Prio3SumVec of \(layout.length) entries: plugin presence, pairs, uptime; Leader \(task.leader.absoluteString), Helper \(task.helper.absoluteString))"
    }

    public var destination: String { "a DAP task (Leader \(task.leader.absoluteString), Helper \(task.helper.absoluteString))" }

    /// The measurement a send of `input` shares.
    public func measurement(_ input: TelemetryInput) -> [UInt64] {
        var g = SeededGenerator(seed: selectionSeed)
        return TelemetryMeasurement.measurement(input.usage, uptimeSeconds: input.uptimeSeconds, layout: layout, using: &g)
    }

    /// The measurement as JSON: `{"dap":{…},"measurement":[indices set],"entries":[names]}`.
    public func preview(_ input: TelemetryInput) throws -> [UInt8] {
        let values = measurement(input)
        let set = values.indices.filter { values[$0] != 0 }
        let quoted = set.map { "\"" + layout.name($0) + "\"" }.joined(separator: ",")
        let head = "{\"dap\":{\"protocol\":\"\(task.profile)\",\"leader\":\"\(task.leader.absoluteString)\",\"task_id\":\"\(task.id)\","
            + "\"vdaf\":\"Prio3SumVec\",\"length\":\(values.count)},"
        let text = head + "\"measurement\":[" + set.map(String.init).joined(separator: ",") + "],\"entries\":[" + quoted + "]}"
        return Array(text.utf8)
    }

    /// One report of `input`, uploaded through `transport` (`DAPUploader`).
    public func send(_ input: TelemetryInput, via transport: any TelemetryTransport) async throws -> String {
        try await attempt(input, transport)
    }

    /// The time-precision window a send at `unixTime` reports in.
    func window(_ unixTime: Int64) -> UInt64 { UInt64(max(0, unixTime)) / max(1, task.timePrecision) }

    /// The report made in the last window a send was made in: a retry in the same window sends
    /// it again (the same report id, which the aggregators count once) instead of a new one.
    private let lock = NSLock()
    private var made: (window: UInt64, body: [UInt8])?
    /// The aggregators' configurations, kept at least a day.
    let configs = HPKEConfigCache()

    private func attempt(_ input: TelemetryInput, _ transport: any TelemetryTransport) async throws -> String {
        let uploader = DAPUploader(task: task, configuration: configuration, cache: configs)
        let window = window(input.unixTime)
        if let again = lock.withLock({ made?.window == window ? made?.body : nil }) {
            let bytes = try await uploader.resend(again, via: transport)
            return "telemetry: uploaded the same \(task.profile) report again (\(bytes) bytes) to \(task.leader.absoluteString)"
        }
        let keep: ([UInt8]) -> Void = { [self] body in lock.withLock { made = (window, body) } }
        let bytes: Int
        switch vdaf {
        case .draft08(let prio3):
            bytes = try await uploader.upload(prio3, measurement: measurement(input), unixTime: input.unixTime, via: transport, made: keep)
        case .draft20(let prio3):
            bytes = try await uploader.upload(prio3, measurement: measurement(input), unixTime: input.unixTime, via: transport, made: keep)
        }
        return "telemetry: uploaded a \(task.profile) report (\(bytes) bytes) to \(task.leader.absoluteString)"
    }

    /// The task's time precision: the sender puts at most one send of a process in each window.
    public var batchWindow: Duration? { .seconds(Int64(clamping: task.timePrecision)) }
}

/// A deterministic generator from a seed (XofTurboShake128 under this library's tag): the
/// process's selection, the same at every send.
struct SeededGenerator: RandomNumberGenerator {
    private var xof: XofTurboShake128?
    private var fallback = SystemRandomNumberGenerator()
    init(seed: [UInt8]) {
        // A 32-byte seed and a short fixed tag: XofTurboShake128 refuses neither.
        xof = try? XofTurboShake128(seed: seed, dst: Array("anonymous-summary selection".utf8), binder: [])
    }
    mutating func next() -> UInt64 {
        guard var x = xof else { return fallback.next() }
        defer { xof = x }
        return x.next(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
