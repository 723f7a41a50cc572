import DAP
import Foundation
import HPKE
import TelemetrySender
import VDAF

/// A DAP client for one task: fetches each aggregator's HPKE configuration list through the
/// transport (or takes the task file's pinned ones), makes a report of a measurement and uploads
/// it to the Leader with the task's protocol (DAP-09: `PUT …/reports`, one `Report`; DAP-18:
/// `POST …/reports`, an `UploadRequest`). Any 2xx is success (Janus 0.7 answers 200 where
/// DAP-09 says 201). When the Leader says a configuration is outdated or does not decrypt, the
/// configurations are fetched again and the report made again, once. Used by the telemetry
/// (`DAPTelemetry`) and the interop test client, for any Prio3 VDAF.
public struct DAPUploader: Sendable {
    public let task: DAPTask
    let configuration: DAPTaskConfiguration?
    let cache: HPKEConfigCache?

    public init(task: DAPTask) throws(DAPTaskFileError) {
        self.task = task
        configuration = try task.configuration()
        cache = nil
    }

    init(task: DAPTask, configuration: DAPTaskConfiguration?, cache: HPKEConfigCache?) {
        self.task = task
        self.configuration = configuration
        self.cache = cache
    }

    /// Uploads one report of `measurement` made at `unixTime`; returns the upload's size in bytes.
    @discardableResult
    public func upload<V: ValidityCircuit>(_ vdaf: Prio3<V>, measurement: V.Measurement, unixTime: Int64,
                                           via transport: any TelemetryTransport) async throws -> Int {
        try await upload(vdaf, measurement: measurement, unixTime: unixTime, via: transport, made: { _ in })
    }

    /// The same, handing each upload body to `made` before it is sent (so that a retry can send
    /// the very same report: `resend`).
    func upload<V: ValidityCircuit>(_ vdaf: Prio3<V>, measurement: V.Measurement, unixTime: Int64,
                                    via transport: any TelemetryTransport, made: ([UInt8]) -> Void) async throws -> Int {
        do {
            let body = try await makeBody(vdaf, measurement, unixTime, transport)
            made(body)
            return try await deliver(body, transport)
        } catch is Outdated {
            // The Leader refused the report (not stored): new keys, a new report.
            cache?.clear()
            try Task.checkCancellation()
            do {
                let body = try await makeBody(vdaf, measurement, unixTime, transport)
                made(body)
                return try await deliver(body, transport)
            } catch is Outdated {
                throw TelemetryDeliveryError(description: "upload: the Leader refused the report twice as made with an outdated configuration")
            }
        }
    }

    /// Sends an upload body again, as it was (the same report id: aggregators count it once).
    func resend(_ body: [UInt8], via transport: any TelemetryTransport) async throws -> Int {
        try await deliver(body, transport)
    }

    struct Outdated: Error {}

    func configList(_ base: URL, _ role: String, _ transport: any TelemetryTransport, _ unixTime: Int64) async throws -> DAPHpkeConfigList {
        if let pinned = role == "leader" ? task.pinnedLeaderConfigs : task.pinnedHelperConfigs { return pinned }
        if let cached = cache?.get(role, at: unixTime) { return cached }
        func fetch() async throws -> TelemetryResponse {
            let response = try await transport.send(TelemetryRequest(method: "GET", url: base.appendingPathComponent(task.profile.hpkeConfigPath)))
            guard response.isSuccess else { throw TelemetryDeliveryError(description: Self.problem(response, "\(role) hpke_config")) }
            return response
        }
        let response = try await fetch()
        // Fetched twice, on two requests, and used only if both agree: an aggregator that served each
        // connection a configuration of its own, to recognise the report sealed to it, is refused
        // (through a relay it cannot tell the two requests came from one host).
        let again = try await fetch()
        guard again.body == response.body else {
            throw TelemetryDeliveryError(description: "\(role) hpke_config: two fetches disagree; not used "
                                         + "(a configuration served to one request alone could single this host out)")
        }
        let list: DAPHpkeConfigList
        do {
            list = try DAPHpkeConfigList(decoding: response.body)
        } catch {
            throw TelemetryDeliveryError(description: "\(role) hpke_config: not an HpkeConfigList (\(error))")
        }
        cache?.put(role, list, at: unixTime, maxAge: response.maxAge)
        return list
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

    private func makeBody<V: ValidityCircuit>(_ vdaf: Prio3<V>, _ measurement: V.Measurement, _ unixTime: Int64,
                                              _ transport: any TelemetryTransport) async throws -> [UInt8] {
        let leaderConfigs = try await configList(task.leader, "leader", transport, unixTime)
        try Task.checkCancellation()
        let helperConfigs = try await configList(task.helper, "helper", transport, unixTime)
        try Task.checkCancellation()
        var rng = SystemRandomNumberGenerator()
        let profile = task.profile
        let time = profile.reportTime(unixSeconds: UInt64(max(0, unixTime)), timePrecision: task.timePrecision)
        let body: [UInt8]
        do {
            let report = try DAPReportMaker.makeReport(vdaf, measurement: measurement, profile: profile, taskID: task.id, task: configuration,
                                                       time: time, leaderConfigs: leaderConfigs, helperConfigs: helperConfigs, using: &rng)
            body = try DAPUpload.body([report], profile)
        } catch {
            throw TelemetryDeliveryError(description: "dap: \(error)")
        }
        return body
    }

    private func deliver(_ body: [UInt8], _ transport: any TelemetryTransport) async throws -> Int {
        let profile = task.profile
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
        return body.count
    }
}

/// The aggregators' HPKE configuration lists as fetched, kept for their answer's cache lifetime and
/// at least a day (never fetched once per send: a fetch tells the aggregator the host's address
/// and time, and a configuration served to one host alone could tag its report); cleared when the
/// Leader says a configuration is outdated.
final class HPKEConfigCache: @unchecked Sendable {
    static let minimumLifetime: Int64 = 86_400
    private let lock = NSLock()
    private var lists: [String: (list: DAPHpkeConfigList, expires: Int64)] = [:]

    func get(_ role: String, at now: Int64) -> DAPHpkeConfigList? {
        lock.withLock { lists[role].flatMap { now < $0.expires ? $0.list : nil } }
    }

    func put(_ role: String, _ list: DAPHpkeConfigList, at now: Int64, maxAge: Int?) {
        let lifetime = max(Self.minimumLifetime, Int64(min(maxAge ?? 0, 30 * 86_400)))
        lock.withLock { lists[role] = (list, now &+ lifetime) }
    }

    func clear() { lock.withLock { lists = [:] } }
}
