import AnonymousSummary
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HPKE
import DAP
import VDAF
import TelemetrySender

/// A DAP task (draft-ietf-ppm-dap-18) a host sends its plugin usage to, as Prio3 shares: one
/// to the Leader, one (through the Leader) to the Helper, each encrypted to its aggregator.
/// Every field must be what the task's aggregators were configured with: it is bound into the
/// encryption (`InputShareAad`), and a mismatch makes the aggregators reject every report.
public struct DAPTask: Sendable, Equatable {
    public var leader: URL
    public var helper: URL
    /// The 32-byte task id.
    public var taskID: [UInt8]
    /// Seconds; report times are rounded down to it (one day by default: a report says the day).
    public var timePrecision: UInt64
    public var minBatchSize: UInt64
    public var taskInfo: [UInt8]

    /// Nil for an id that is not 32 bytes or an endpoint that is not https (http to loopback only).
    public init?(leader: URL, helper: URL, taskID: [UInt8], timePrecision: UInt64 = 86_400, minBatchSize: UInt64 = 100,
                 taskInfo: [UInt8] = Array("anonymous-summary plugin usage".utf8)) {
        guard taskID.count == 32, timePrecision > 0, (1...255).contains(taskInfo.count),
              leader.absoluteString.utf8.count <= 65_535, helper.absoluteString.utf8.count <= 65_535,
              (try? TelemetryConfiguration.check(leader)) != nil, (try? TelemetryConfiguration.check(helper)) != nil else { return nil }
        (self.leader, self.helper, self.taskID, self.timePrecision, self.minBatchSize, self.taskInfo) =
            (leader, helper, taskID, timePrecision, minBatchSize, taskInfo)
    }

    /// The task id in URL-safe base64 without padding, as DAP's paths carry it.
    public var taskIDBase64URL: String {
        Data(taskID).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func taskID(base64URL text: String) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        guard let data = Data(base64Encoded: s), data.count == 32 else { return nil }
        return Array(data)
    }

    /// The task's configuration as the aggregators hold it, for the telemetry's presence
    /// measurement (Prio3MultihotCountVec over the catalogue's layout).
    public func configuration(layout: PluginLayout) -> DAPTaskConfiguration {
        DAPTaskConfiguration(taskInfo: taskInfo, leaderURL: leader.absoluteString, helperURL: helper.absoluteString,
                             timePrecision: timePrecision, minBatchSize: minBatchSize,
                             vdaf: .prio3MultihotCountVec(length: UInt32(layout.width), chunkLength: UInt32(TelemetryMeasurement.presenceChunkLength),
                                                          maxWeight: TelemetryMeasurement.presenceMaxWeight))
    }

    /// The protocol this task speaks.
    public var profile: DAPProfile { .dap18 }

    var id: DAPTaskID {
        // `init` checked the 32 bytes.
        DAPTaskID(bytes: taskID) ?? DAPTaskID(bytes: [UInt8](repeating: 0, count: 32))!
    }
}

/// The secret-shared telemetry mode for a DAP task: at each send, a report of the usage (Prio3
/// shares, each encrypted to its aggregator) uploaded to the task's Leader through the sender's
/// transport and at the sender's time. Each aggregator's HPKE configuration list is fetched
/// through the same transport (afresh at each send; again after a decryption-related rejection).
/// Every failure, a DAP problem document included, is an error for the sender's log.
public final class DAPTelemetry: SecretSharedTelemetry, @unchecked Sendable {
    public let task: DAPTask
    let layout: PluginLayout
    /// The process's choice of which plugins a config over the weight bound keeps: drawn once, so
    /// every send of a process (and its preview) reports the same ones.
    private let selectionSeed: [UInt8]


    public init(task: DAPTask, catalog: ComponentCatalog = .benthos) {
        self.task = task
        layout = catalog.pluginLayout
        var g = SystemRandomNumberGenerator()
        selectionSeed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    public var description: String {
        "dap (Prio3MultihotCountVec, \(layout.width) plugin bits, at most \(TelemetryMeasurement.presenceMaxWeight) set; Leader \(task.leader.absoluteString), Helper \(task.helper.absoluteString))"
    }

    public var destination: String { "a DAP task (Leader \(task.leader.absoluteString), Helper \(task.helper.absoluteString))" }

    /// The measurement a send of `input` shares: the presence bits.
    func measurement(_ input: TelemetryInput) -> [Bool] {
        var g = SeededGenerator(seed: selectionSeed)
        return TelemetryMeasurement.presence(input.usage, layout: layout, using: &g).bits
    }

    /// The measurement as JSON: `{"dap":{"leader":…,"task_id":…},"measurement":[indices set],"entries":[names]}`.
    public func preview(_ input: TelemetryInput) throws -> [UInt8] {
        let bits = measurement(input)
        let set = bits.indices.filter { bits[$0] }
        let names = set.map { i in i < layout.plugins.count ? layout.plugins[i].description : "unlisted/" + layout.kinds[i - layout.plugins.count].rawValue }
        let quoted = names.map { "\"" + $0 + "\"" }.joined(separator: ",")
        let text = #"{"dap":{"leader":"\#(task.leader.absoluteString)","task_id":"\#(task.taskIDBase64URL)","length":\#(bits.count)},"#
            + #""measurement":[\#(set.map(String.init).joined(separator: ","))],"entries":[\#(quoted)]}"#
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
        let response = try await transport.send(TelemetryRequest(method: "GET", url: base.appendingPathComponent("hpke_config")))
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
        let vdaf = try TelemetryMeasurement.presenceVDAF(layout: layout)
        let profile = task.profile
        let time = profile.reportTime(unixSeconds: UInt64(max(0, input.unixTime)), timePrecision: task.timePrecision)
        let report: DAPReport
        let body: [UInt8]
        do {
            report = try DAPReportMaker.makeReport(vdaf, measurement: measurement(input), profile: profile, taskID: task.id,
                                                   task: task.configuration(layout: layout), time: time,
                                                   leaderConfigs: leaderConfigs, helperConfigs: helperConfigs, using: &rng)
            body = try DAPUpload.body([report], profile)
        } catch {
            throw TelemetryDeliveryError(description: "dap: \(error)")
        }
        let url = task.leader.appendingPathComponent(profile.uploadPath(taskID: task.id))
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
        return "telemetry: uploaded a DAP report (\(body.count) bytes) to \(task.leader.absoluteString)"
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
