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

/// The package's HTTP requests: the clean head of `TelemetryRequest` (Host, User-Agent, then
/// Content-Type and Content-Length when there is a body), no redirect, no cookie, no cache.
final class HTTPClient: @unchecked Sendable {
    struct Response { var status: Int; var contentType: String; var body: [UInt8] }
    let userAgent: String
    let timeout: TimeInterval
    let exactTimeout: Duration
    let session: URLSession
    private let router = Router()

    init(userAgent: String, timeout: Duration) {
        self.userAgent = userAgent
        exactTimeout = timeout
        self.timeout = TelemetryRequest.foundationTimeout(timeout)
        session = URLSession(configuration: TelemetryRequest.sessionConfiguration(timeout: self.timeout), delegate: router, delegateQueue: nil)
    }

    deinit { session.invalidateAndCancel() }

    /// One request's answer, gathered up to `limit` bytes.
    final class Collector: @unchecked Sendable {
        let limit: Int
        private let lock = NSLock()
        private var task: URLSessionDataTask?
        private var continuation: CheckedContinuation<(Data, URLResponse), Error>?
        private var data = Data()
        private var response: URLResponse?
        private var failure: String?

        init(limit: Int) { self.limit = limit }

        func start(_ task: URLSessionDataTask, router: Router, _ continuation: CheckedContinuation<(Data, URLResponse), Error>) {
            lock.lock()
            self.task = task
            self.continuation = continuation
            let failed = failure
            lock.unlock()
            if let failed { finish(TelemetryDeliveryError(description: failed)); return }
            router.register(task, self)
            task.resume()
        }

        func received(_ response: URLResponse) { lock.withLock { self.response = response } }

        func received(_ more: Data) {
            let over = lock.withLock { () -> Bool in
                data.append(more)
                return data.count > limit
            }
            if over { cancel(reason: "the answer is over \(limit) bytes") }
        }

        func cancel(reason: String) {
            let task = lock.withLock { () -> URLSessionDataTask? in
                if failure == nil { failure = reason }
                return self.task
            }
            task?.cancel()
        }

        func completed(_ error: Error?) {
            let (failed, response) = lock.withLock { (failure, self.response) }
            if let failed { finish(TelemetryDeliveryError(description: failed)); return }
            if let error { finish(TelemetryDeliveryError(description: "request failed: \(error.localizedDescription)")); return }
            guard let response else { finish(TelemetryDeliveryError(description: "no HTTP response")); return }
            let body = lock.withLock { data }
            resume(.success((body, response)))
        }

        private func finish(_ error: Error) { resume(.failure(error)) }

        private func resume(_ result: Result<(Data, URLResponse), Error>) {
            let c = lock.withLock { () -> CheckedContinuation<(Data, URLResponse), Error>? in
                defer { continuation = nil }
                return continuation
            }
            c?.resume(with: result)
        }
    }

    /// The session's delegate: no redirect; each task's events to its collector.
    final class Router: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        // Per session: task identifiers are numbered per session.
        private var collectors: [Int: Collector] = [:]
        private let lock = NSLock()

        func register(_ task: URLSessionTask, _ c: Collector) { lock.withLock { collectors[task.taskIdentifier] = c } }
        func collector(_ task: URLSessionTask) -> Collector? { lock.withLock { collectors[task.taskIdentifier] } }

        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
            collector(dataTask)?.received(response)
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            collector(dataTask)?.received(data)
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
            let c = lock.withLock { collectors.removeValue(forKey: task.taskIdentifier) }
            c?.completed(error)
        }
    }

    func send(method: String, url: URL, contentType: String?, body: [UInt8]) async throws -> Response {
        do { try TelemetryConfiguration.check(url) } catch { throw TelemetryDeliveryError(description: error.description) }
        guard TelemetryConfiguration.isValidUserAgent(userAgent) else {
            throw TelemetryDeliveryError(description: "the user agent is not printable ASCII (1 to 256 characters)")
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        if method != "GET" { request.httpBody = Data(body) }
        request.httpShouldHandleCookies = false
        request.allHTTPHeaderFields = TelemetryRequest.headerFields(userAgent: userAgent, contentType: contentType)
        // The answer is read through a delegate that stops at a megabyte (a hostile server cannot
        // make the host buffer more), the request is cancelled with the calling task, and the
        // timeout is enforced here too (Foundation on Linux rounds it down to whole seconds).
        let collector = Collector(limit: 1 << 20)
        let limit = exactTimeout
        let timer = Task {
            try await Task.sleep(for: limit)
            collector.cancel(reason: "request timed out after \(limit)")
        }
        defer { timer.cancel() }
        let (data, response): (Data, URLResponse) = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                collector.start(session.dataTask(with: request), router: router, continuation)
            }
        } onCancel: {
            collector.cancel(reason: "cancelled")
        }
        guard let http = response as? HTTPURLResponse else { throw TelemetryDeliveryError(description: "no HTTP response") }
        return Response(status: http.statusCode, contentType: (http.value(forHTTPHeaderField: "Content-Type") ?? "").lowercased(),
                        body: Array(data.prefix(1 << 20)))
    }
}
