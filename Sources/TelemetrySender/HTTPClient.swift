import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The package's HTTP requests: the clean head of `TelemetryRequest` (Host, User-Agent, then
/// Content-Type and Content-Length when there is a body), no redirect, no cookie, no cache.
final class HTTPClient: @unchecked Sendable {
    struct Response { var status: Int; var contentType: String; var body: [UInt8]; var maxAge: Int? = nil }
    let userAgent: String
    let timeout: TimeInterval
    let exactTimeout: Duration
    let session: URLSession
    private let router = Router()

    /// Plain http to any host (the interop test client's containers); https or loopback otherwise.
    let plainHTTP: Bool

    init(userAgent: String, timeout: Duration, allowingPlainHTTP: Bool = false) {
        plainHTTP = allowingPlainHTTP
        self.userAgent = userAgent
        exactTimeout = timeout
        self.timeout = TelemetryHeaders.foundationTimeout(timeout)
        session = URLSession(configuration: TelemetryHeaders.sessionConfiguration(timeout: self.timeout), delegate: router, delegateQueue: nil)
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
        if !(plainHTTP && url.scheme?.lowercased() == "http") {
            do { try TelemetryConfiguration.check(url) } catch { throw TelemetryDeliveryError(description: error.description) }
        }
        guard TelemetryConfiguration.isValidUserAgent(userAgent) else {
            throw TelemetryDeliveryError(description: "the user agent is not printable ASCII (1 to 256 characters)")
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        if method != "GET" { request.httpBody = Data(body) }
        request.httpShouldHandleCookies = false
        request.allHTTPHeaderFields = TelemetryHeaders.headerFields(userAgent: userAgent, contentType: contentType)
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
                        body: Array(data.prefix(1 << 20)), maxAge: HTTPClient.maxAge(http.value(forHTTPHeaderField: "Cache-Control")))
    }

    /// The `max-age` of a `Cache-Control` value (`public, max-age=86400`), if any.
    static func maxAge(_ value: String?) -> Int? {
        guard let value else { return nil }
        for part in value.lowercased().split(separator: ",") {
            let item = part.trimmingCharacters(in: .whitespaces)
            if item.hasPrefix("max-age="), let n = Int(item.dropFirst(8)), n >= 0 { return n }
        }
        return nil
    }
}
