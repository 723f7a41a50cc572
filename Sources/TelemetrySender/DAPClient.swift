import AnonymousSummary
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HPKE
import PrivateAggregation

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
    public func configuration(layout: LDPLayout) -> DAP.TaskConfiguration {
        DAP.TaskConfiguration(taskInfo: taskInfo, leaderEndpoint: leader.absoluteString, helperEndpoint: helper.absoluteString,
                              timePrecision: timePrecision, minBatchSize: minBatchSize, vdafType: 5,
                              vdafConfiguration: DAP.multihotCountVecConfiguration(length: layout.width,
                                                                                   chunkLength: TelemetryMeasurement.presenceChunkLength,
                                                                                   maxWeight: TelemetryMeasurement.presenceMaxWeight))
    }
}

/// The DAP client: fetches each aggregator's HPKE configuration list (cached; fetched again after a
/// decryption-related rejection), makes a report of the usage at each send, and uploads it to the
/// Leader. Every failure, a DAP problem document included, is an error for the sender's log.
public actor DAPUploader {
    public let task: DAPTask
    let http: HTTPClient
    let layout: LDPLayout
    private var configs: [Role: [DAP.HpkeConfig]] = [:]
    enum Role: Hashable { case leader, helper }

    public static let configListType = "application/ppm-dap;message=hpke-config-list"
    public static let uploadType = "application/ppm-dap;message=upload-req"
    public static let uploadErrorsType = "application/ppm-dap;message=upload-errors"

    public init(task: DAPTask, userAgent: String, timeout: Duration, catalog: ComponentCatalog = .benthos) {
        self.task = task
        http = HTTPClient(userAgent: userAgent, timeout: timeout)
        layout = catalog.ldpLayout
    }

    func configList(_ role: Role) async throws -> [DAP.HpkeConfig] {
        if let cached = configs[role] { return cached }
        let base = role == .leader ? task.leader : task.helper
        let url = base.appendingPathComponent("hpke_config")
        let response = try await http.send(method: "GET", url: url, contentType: nil, body: [])
        guard (200..<300).contains(response.status) else { throw TelemetryDeliveryError(description: Self.problem(response, "hpke_config")) }
        do {
            let list = try DAP.decodeHpkeConfigList(response.body)
            configs[role] = list
            return list
        } catch {
            throw TelemetryDeliveryError(description: "\(role) hpke_config: not an HpkeConfigList (\(error))")
        }
    }

    /// A DAP problem document (RFC 9457) as one line; never its raw text beyond type and detail.
    static func problem(_ r: HTTPClient.Response, _ what: String) -> String {
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

    /// One report of `usage`, uploaded; retried once with fresh configurations when the Leader
    /// says the configuration is outdated or does not decrypt. Returns the report's size in bytes.
    @discardableResult
    public func upload(_ usage: ComponentUsage, now: Date = Date()) async throws -> Int {
        // Fetched afresh at each send (one a day): a key an aggregator rotated is never used
        // stale, the Helper's included (a stale Helper key would only show at aggregation).
        configs = [:]
        do {
            return try await attempt(usage, now: now)
        } catch is Outdated {
            configs = [:]
            try Task.checkCancellation()
            do {
                return try await attempt(usage, now: now)
            } catch is Outdated {
                throw TelemetryDeliveryError(description: "upload: the Leader refused the report twice as made with an outdated configuration")
            }
        }
    }

    struct Outdated: Error {}

    private func attempt(_ usage: ComponentUsage, now: Date) async throws -> Int {
        let leaderConfigs = try await configList(.leader)
        try Task.checkCancellation()
        let helperConfigs = try await configList(.helper)
        try Task.checkCancellation()
        var rng = SystemRandomNumberGenerator()
        let vdaf = try TelemetryMeasurement.presenceVDAF(layout: layout)
        let (bits, _) = TelemetryMeasurement.presence(usage, layout: layout, using: &rng)
        let time = UInt64(max(0, now.timeIntervalSince1970)) / task.timePrecision
        let report: DAP.Report
        do {
            report = try DAP.makeReport(vdaf, measurement: bits, taskID: task.taskID, task: task.configuration(layout: layout), time: time,
                                        leaderConfigs: leaderConfigs, helperConfigs: helperConfigs, using: &rng)
        } catch {
            throw TelemetryDeliveryError(description: "dap: \(error)")
        }
        let body = DAP.encodeUploadRequest([report])
        let url = task.leader.appendingPathComponent("tasks").appendingPathComponent(task.taskIDBase64URL).appendingPathComponent("reports")
        let response = try await http.send(method: "POST", url: url, contentType: Self.uploadType, body: body)
        guard (200..<300).contains(response.status) else { throw TelemetryDeliveryError(description: Self.problem(response, "upload")) }
        if !response.body.isEmpty {
            guard let errors = try? DAP.decodeUploadErrors(response.body) else {
                throw TelemetryDeliveryError(description: "upload: an answer that is not UploadErrors")
            }
            if let first = errors.first {
                // outdated_config (11), hpke_unknown_config_id (4), hpke_decrypt_error (5): keys changed.
                if [4, 5, 11].contains(first.error) { throw Outdated() }
                throw TelemetryDeliveryError(description: "upload: the Leader refused the report (ReportError \(first.error))")
            }
        }
        return body.count
    }
}
