import TelemetrySender
import TelemetryDAP
import AnonymousSummary
import LocalPrivacy
import VDAF
import DAP
import HPKE
import UsageReport
import TestSupport
import Foundation
#if canImport(Glibc)
import Glibc
/// SOCK_STREAM is an enum case on Glibc and an Int32 on Darwin.
let streamSocket = Int32(SOCK_STREAM.rawValue)
#else
let streamSocket = SOCK_STREAM
#endif

/// A small HTTP server on 127.0.0.1 (any free port), on POSIX sockets, for the sender's tests.
/// It records every request and answers as its `mode` says, including badly.
final class LoopbackServer: @unchecked Sendable {
    enum Mode {
        case ok
        case status(Int)
        case neverAnswer
        case closeMidResponse
        /// 302 to another path on the same server.
        case redirect
        /// Answers as the closure says: (status, content type, body).
        case handler(@Sendable (Request) -> (Int, String, [UInt8]))
    }

    struct Request {
        var method: String
        var path: String
        var headers: [String: String]
        var body: [UInt8]
        /// The request head exactly as received, split on CRLF only: the request line, then
        /// every header line as it came (an empty `Name:` line is kept as it is), in order.
        var headLines: [String]
    }

    let port: UInt16
    private let listener: Int32
    private let mode: Mode
    private let lock = NSLock()
    private var received: [Request] = []
    private var held: [Int32] = []
    private var stopped = false

    var requests: [Request] { lock.withLock { received } }
    var url: URL { URL(string: "http://127.0.0.1:\(port)/v1/telemetry")! }

    init(mode: Mode) throws {
        self.mode = mode
        let fd = socket(AF_INET, streamSocket, 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Closes the listener (later connections are refused) and every held connection.
    func stop() {
        let toClose: [Int32] = lock.withLock {
            stopped = true
            defer { held = [] }
            return held
        }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in toClose { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    deinit { if !stopped { stop() } }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 { return }
            if lock.withLock({ stopped }) { close(fd); return }
            Thread { [self] in handle(fd) }.start()
        }
    }

    private func handle(_ fd: Int32) {
        guard let request = read(fd) else { close(fd); return }
        lock.withLock { received.append(request) }
        switch mode {
        case .ok: respond(fd, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        case .status(let code): respond(fd, "HTTP/1.1 \(code) Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        case .closeMidResponse: respond(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
        case .redirect: respond(fd, "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        case .handler(let answer):
            let (status, type, body) = answer(request)
            let head = "HTTP/1.1 \(status) X\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            respond(fd, Array(head.utf8) + body)
        case .neverAnswer:
            lock.withLock { held.append(fd) }
            return
        }
    }

    private func respond(_ fd: Int32, _ text: String) { respond(fd, Array(text.utf8)) }

    private func respond(_ fd: Int32, _ bytes: [UInt8]) {
        // Every byte, however the kernel splits the writes.
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    /// One request: headers, then Content-Length bytes of body.
    private func read(_ fd: Int32) -> Request? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            data += buffer[0..<n]
            if headerEnd == nil, let end = find([13, 10, 13, 10], in: data) {
                headerEnd = end + 4
                let head = String(decoding: data[0..<end], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" {
                        contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
            if let start = headerEnd, data.count >= start + contentLength {
                let head = String(decoding: data[0..<(start - 4)], as: UTF8.self)
                let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
                let requestLine = lines.first?.split(separator: " ") ?? []
                var headers: [String: String] = [:]
                for line in lines.dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
                }
                return Request(method: requestLine.count > 0 ? String(requestLine[0]) : "",
                               path: requestLine.count > 1 ? String(requestLine[1]) : "",
                               headers: headers, body: Array(data[start..<(start + contentLength)]),
                               headLines: lines.map(String.init))
            }
        }
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where Array(haystack[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}
