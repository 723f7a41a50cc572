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
/// transport and at the sender's time. Each aggregator's HPKE configuration list is fetched
/// through the same transport (afresh at each send; again after a decryption-related rejection).
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

    /// One report of `input`, uploaded through `transport`; retried once with fresh
    /// configurations when the Leader says the configuration is outdated or does not decrypt.
    public func send(_ input: TelemetryInput, via transport: any TelemetryTransport) async throws -> String {
        do {
            return try await attempt(input, transport)
        } catch is Outdated {
            try Task.checkCancellation()
            do {
                return try await attempt(input, transport)
            } catch is Outdated {
                throw TelemetryDeliveryError(description: "upload: the Leader refused the report twice as made with an outdated configuration")
            }
        }
    }

    func configList(_ base: URL, _ role: String, _ transport: any TelemetryTransport) async throws -> DAPHpkeConfigList {
        if let pinned = role == "leader" ? task.pinnedLeaderConfigs : task.pinnedHelperConfigs { return pinned }
        let response = try await transport.send(TelemetryRequest(method: "GET", url: base.appendingPathComponent(task.profile.hpkeConfigPath)))
        guard response.isSuccess else { throw TelemetryDeliveryError(description: Self.problem(response, "\(role) hpke_config")) }
        do {
            return try DAPHpkeConfigList(decoding: response.body)
        } catch {
            throw TelemetryDeliveryError(description: "\(role) hpke_config: not an HpkeConfigList (\(error))")
        }
    }

    /// A DAP problem document (RFC 9457) as one line; never its raw text beyond type and detail.
    static func problem(_ r: TelemetryResponse, _ what: String) -> String {
        if r.contentType.hasPrefix("application/problem+json"),
           let object = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] {
            // Printable ASCII only, cut short: the server's text never adds a line to the host's log.
            func clean(_ s: String, _ n: Int) -> String { String(String(s.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }).prefix(n)) }
            let type = (object["type"] as? String).map { clean($0, 120) } ?? "?"
            let detail = (object["detail"] as? String).map { clean($0, 200) } ?? ""
            return "\(what): HTTP \(r.status), problem \(type)" + (detail.isEmpty ? "" : ": \(detail)")
        }
        return "\(what): HTTP \(r.status)"
    }

    struct Outdated: Error {}

    private func attempt(_ input: TelemetryInput, _ transport: any TelemetryTransport) async throws -> String {
        let leaderConfigs = try await configList(task.leader, "leader", transport)
        try Task.checkCancellation()
        let helperConfigs = try await configList(task.helper, "helper", transport)
        try Task.checkCancellation()
        var rng = SystemRandomNumberGenerator()
        let profile = task.profile
        let time = profile.reportTime(unixSeconds: UInt64(max(0, input.unixTime)), timePrecision: task.timePrecision)
        let report: DAPReport
        let body: [UInt8]
        do {
            switch vdaf {
            case .draft08(let prio3):
                report = try DAPReportMaker.makeReport(prio3, measurement: measurement(input), profile: profile, taskID: task.id,
                                                       task: configuration, time: time,
                                                       leaderConfigs: leaderConfigs, helperConfigs: helperConfigs, using: &rng)
            case .draft20(let prio3):
                report = try DAPReportMaker.makeReport(prio3, measurement: measurement(input), profile: profile, taskID: task.id,
                                                       task: configuration, time: time,
                                                       leaderConfigs: leaderConfigs, helperConfigs: helperConfigs, using: &rng)
            }
            body = try DAPUpload.body([report], profile)
        } catch {
            throw TelemetryDeliveryError(description: "dap: \(error)")
        }
        let url = task.leader.appendingPathComponent("tasks").appendingPathComponent(task.id.base64URL).appendingPathComponent("reports")
        let response = try await transport.send(TelemetryRequest(method: profile.uploadMethod, url: url, contentType: profile.uploadMediaType, body: body))
        guard response.isSuccess else { throw TelemetryDeliveryError(description: Self.problem(response, "upload")) }
        if !response.body.isEmpty, profile.draft == .dap18 {
            guard let errors = try? DAPUpload.errors(in: response.body) else {
                throw TelemetryDeliveryError(description: "upload: an answer that is not UploadErrors")
            }
            if let first = errors.first {
                // outdated_config (11), hpke_unknown_config_id (4), hpke_decrypt_error (5): keys changed.
                if [4, 5, 11].contains(first.error) { throw Outdated() }
                throw TelemetryDeliveryError(description: "upload: the Leader refused the report (ReportError \(first.error))")
            }
        }
        return "telemetry: uploaded a \(profile) report (\(body.count) bytes) to \(task.leader.absoluteString)"
    }
}

/// A deterministic generator from a seed (XofTurboShake128 under this library's tag): the
/// process's selection, the same at every send.
struct SeededGenerator: RandomNumberGenerator {
    private var xof: XofTurboShake128
    init(seed: [UInt8]) {
        // A 32-byte seed and a fixed tag: cannot throw.
        xof = (try? XofTurboShake128(seed: seed, dst: Array("anonymous-summary selection".utf8), binder: []))
            ?? (try! XofTurboShake128(seed: [UInt8](repeating: 0, count: 32), dst: [], binder: []))
    }
    mutating func next() -> UInt64 {
        xof.next(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
