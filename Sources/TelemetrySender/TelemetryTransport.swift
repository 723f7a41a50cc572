import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Delivers one payload. The sender calls it at each scheduled moment; whatever it throws is
/// logged and otherwise ignored. Hosts and tests may supply their own.
public protocol TelemetryTransport: Sendable {
    func deliver(_ payload: [UInt8]) async throws
}

/// Why a delivery failed, in words for the host's log.
public struct TelemetryDeliveryError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// POSTs the payload as `application/json` with the host's user agent, on an ephemeral
/// `URLSession` (no cookies, no cache, nothing written to disk). Cancelling the calling task
/// cancels the request.
public final class URLSessionTransport: TelemetryTransport, @unchecked Sendable {
    private let endpoint: URL
    private let userAgent: String
    private let timeout: TimeInterval
    private let exactTimeout: Duration
    private let session: URLSession

    public init(endpoint: URL, userAgent: String, timeout: Duration) {
        self.endpoint = endpoint
        self.userAgent = userAgent
        // Foundation on Linux rounds request timeouts down to whole seconds (0.3 s would time
        // out at once), so URLSession gets at least a second and the exact bound is our own.
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        self.timeout = max(1, seconds.rounded(.up))
        self.exactTimeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = self.timeout
        configuration.timeoutIntervalForResource = self.timeout
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    public func deliver(_ payload: [UInt8]) async throws {
        var request = URLRequest(url: endpoint, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(payload)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        let holder = TaskHolder()
        let limit = exactTimeout
        let timer = Task {
            try await Task.sleep(for: limit)
            holder.cancel(timedOut: true)
        }
        defer { timer.cancel() }
        let status: Int = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, Error>) in
                let task = session.dataTask(with: request) { _, response, error in
                    if error != nil, holder.timedOut {
                        continuation.resume(throwing: TelemetryDeliveryError(description: "request timed out after \(limit)"))
                    } else if let error {
                        continuation.resume(throwing: TelemetryDeliveryError(description: "request failed: \(error.localizedDescription)"))
                    } else if let http = response as? HTTPURLResponse {
                        continuation.resume(returning: http.statusCode)
                    } else {
                        continuation.resume(throwing: TelemetryDeliveryError(description: "no HTTP response"))
                    }
                }
                holder.start(task)
            }
        } onCancel: {
            holder.cancel()
        }
        guard (200..<300).contains(status) else {
            throw TelemetryDeliveryError(description: "the collector answered HTTP \(status)")
        }
    }

    /// The request task, cancellable from the cancellation handler (which may run first).
    private final class TaskHolder: @unchecked Sendable {
        private let lock = NSLock()
        private var task: URLSessionDataTask?
        private var cancelled = false
        private var didTimeOut = false

        var timedOut: Bool { lock.withLock { didTimeOut } }

        func start(_ task: URLSessionDataTask) {
            lock.lock()
            self.task = task
            let cancelNow = cancelled
            lock.unlock()
            task.resume()
            if cancelNow { task.cancel() }
        }

        func cancel(timedOut: Bool = false) {
            lock.lock()
            cancelled = true
            if timedOut { didTimeOut = true }
            let task = self.task
            lock.unlock()
            task?.cancel()
        }
    }
}

/// The debug mode's transport: writes each payload, and a line break, to standard error.
public struct StandardErrorTransport: TelemetryTransport {
    public init() {}

    public func deliver(_ payload: [UInt8]) async throws {
        FileHandle.standardError.write(Data(payload + [0x0A]))
    }
}
