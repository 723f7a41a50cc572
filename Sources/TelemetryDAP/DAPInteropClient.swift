import DAP
import Foundation
import TelemetrySender
import VDAF

/// The client side of the DAP interoperation test design (draft-dcook-ppm-dap-interop-test-design):
/// `POST /internal/test/ready` and `POST /internal/test/upload`, whose JSON names the task (id,
/// Leader, Helper, VDAF, time precision; Janus's additions `min_batch_size` and `batch_mode`), a
/// measurement and an optional time. The protocol is the client's own (the JSON has no field for
/// it). Any Prio3 type Janus offers: Count, Sum, SumVec, Histogram. A socket server in front of
/// `handle` makes the container-facing client (`anonymous-summary-dev dap-harness interop-client`).
public struct DAPInteropClient: Sendable {
    public let profile: DAPProfile
    let transport: any TelemetryTransport

    /// The interop design has no task_info; Janus's interop binaries all bind this one.
    public static let interopTaskInfo = Array("task-info".utf8)

    public init(profile: DAPProfile, transport: any TelemetryTransport) {
        self.profile = profile
        self.transport = transport
    }

    /// The answer to a request: HTTP status and a JSON body.
    public func handle(method: String, path: String, body: [UInt8]) async -> (status: Int, body: [UInt8]) {
        switch (method, path) {
        case ("POST", "/internal/test/ready"):
            return (200, Array("{}".utf8))
        case ("POST", "/internal/test/upload"):
            do {
                try await upload(body)
                return (200, Array(#"{"status":"success"}"#.utf8))
            } catch {
                return (200, Self.errorBody("\(error)"))
            }
        default:
            return (404, Array("{}".utf8))
        }
    }

    static func errorBody(_ message: String) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: ["status": "error", "error": message])) ?? Data(#"{"status":"error"}"#.utf8)
        return Array(data)
    }

    struct RequestError: Error, CustomStringConvertible {
        var description: String
    }

    /// A number the interop JSON writes as a string ("NumberAsString"), or as a number.
    static func number(_ value: Any?, _ what: String) throws -> UInt64 {
        if let text = value as? String, let n = UInt64(text) { return n }
        if let n = value as? NSNumber, n.doubleValue >= 0, n.doubleValue == n.doubleValue.rounded(), n.doubleValue < 1.8e19 { return n.uint64Value }
        throw RequestError(description: "\(what) is not a whole number")
    }

    func upload(_ body: [UInt8]) async throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw RequestError(description: "the request is not a JSON object")
        }
        guard let idText = object["task_id"] as? String, let id = DAPTaskID(base64URL: idText) else { throw RequestError(description: "task_id") }
        // Kept as written: DAP-18 binds the URLs' text into every report.
        guard let leaderText = object["leader"] as? String, let leader = URL(string: leaderText),
              let helperText = object["helper"] as? String, let helper = URL(string: helperText) else {
            throw RequestError(description: "leader and helper must be URLs")
        }
        guard let vdafObject = object["vdaf"] as? [String: Any], let type = vdafObject["type"] as? String else {
            throw RequestError(description: "vdaf")
        }
        var vdaf = DAPTask.VDAF(type: type)
        if let v = vdafObject["length"] { vdaf.length = Int(try Self.number(v, "vdaf.length")) }
        if let v = vdafObject["bits"] { vdaf.bits = Int(try Self.number(v, "vdaf.bits")) }
        if let v = vdafObject["max_measurement"] { vdaf.maxMeasurement = try Self.number(v, "vdaf.max_measurement") }
        if let v = vdafObject["chunk_length"] { vdaf.chunkLength = Int(try Self.number(v, "vdaf.chunk_length")) }
        let precision = try Self.number(object["time_precision"], "time_precision")
        guard precision > 0 else { throw RequestError(description: "time_precision must be above 0") }
        var task = DAPTask(profile: profile, id: id, leader: leader, helper: helper, vdaf: vdaf, timePrecision: precision,
                           minBatchSize: object["min_batch_size"] == nil ? 1 : try Self.number(object["min_batch_size"], "min_batch_size"),
                           taskInfo: Self.interopTaskInfo)
        if let mode = object["batch_mode"] {
            switch try Self.number(mode, "batch_mode") {
            case 1: task.batchMode = .timeInterval
            case 2: task.batchMode = .leaderSelected
            default: throw RequestError(description: "batch_mode must be 1 (time interval) or 2 (leader selected)")
            }
        }
        let time = object["time"] == nil ? Int64(Date().timeIntervalSince1970) : Int64(clamping: try Self.number(object["time"], "time"))
        let uploader = try DAPUploader(task: task)
        let measurement = object["measurement"]
        func scalar() throws -> UInt64 { try Self.number(measurement, "measurement") }
        func vector() throws -> [UInt64] {
            guard let items = measurement as? [Any] else { throw RequestError(description: "measurement must be a list") }
            return try items.map { try Self.number($0, "measurement") }
        }
        func need(_ v: Int?, _ name: String) throws -> Int {
            guard let v else { throw RequestError(description: "\(type) needs \(name)") }
            return v
        }
        let draft08 = profile == .dap09
        switch type {
        case "Prio3Count":
            let m = try scalar()
            try await uploader.upload(try Prio3Variants.count(draft: draft08 ? .draft08 : .draft20), measurement: m, unixTime: time, via: transport)
        case "Prio3Sum":
            if draft08 {
                try await uploader.upload(try Prio3Variants.Draft08.sum(bits: try need(vdaf.bits, "bits")), measurement: try scalar(), unixTime: time, via: transport)
            } else {
                guard let max = vdaf.maxMeasurement else { throw RequestError(description: "Prio3Sum needs max_measurement") }
                try await uploader.upload(try Prio3Variants.sum(maxMeasurement: max), measurement: try scalar(), unixTime: time, via: transport)
            }
        case "Prio3SumVec":
            let length = try need(vdaf.length, "length"), chunk = try need(vdaf.chunkLength, "chunk_length")
            if draft08 {
                try await uploader.upload(try Prio3Variants.Draft08.sumVec(length: length, bits: try need(vdaf.bits, "bits"), chunkLength: chunk),
                                          measurement: try vector(), unixTime: time, via: transport)
            } else {
                guard let max = vdaf.maxMeasurement else { throw RequestError(description: "Prio3SumVec needs max_measurement") }
                try await uploader.upload(try Prio3Variants.sumVec(length: length, maxMeasurement: max, chunkLength: chunk),
                                          measurement: try vector(), unixTime: time, via: transport)
            }
        case "Prio3Histogram":
            let length = try need(vdaf.length, "length"), chunk = try need(vdaf.chunkLength, "chunk_length")
            if draft08 {
                try await uploader.upload(try Prio3Variants.Draft08.histogram(length: length, chunkLength: chunk), measurement: try scalar(),
                                          unixTime: time, via: transport)
            } else {
                try await uploader.upload(try Prio3Variants.histogram(length: length, chunkLength: chunk), measurement: try scalar(),
                                          unixTime: time, via: transport)
            }
        default:
            throw RequestError(description: "vdaf type \(type) is not one of \(DAPTask.vdafTypes.joined(separator: ", "))")
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DAPInteropClient {
    /// Serves the interop API on `address`:`port` (0: any free port); calls `started` with the
    /// port once it listens, then runs until the process ends.
    public func serve(address: String = "0.0.0.0", port: UInt16, started: @escaping @Sendable (UInt16) -> Void) throws -> Never {
        let client = self
        try TinyHTTPServer.serve(address: address, port: port, started: started) { method, path, _, body in
            let (status, answer) = await client.handle(method: method, path: path, body: body)
            return (status, "application/json", answer)
        }
    }
}
/// A minimal HTTP/1.1 server for the developers' tools (the interop test client, the loopback
/// aggregators of `Scripts/dap-demo`): one request a connection, bodies up to a megabyte, each
/// connection on a thread of its own. Not for production use.
package enum TinyHTTPServer {
    /// (method, path, headers with lower-case names, body) → (status, content type, body).
    package typealias Handler = @Sendable (_ method: String, _ path: String, _ headers: [String: String], _ body: [UInt8]) async -> (Int, String, [UInt8])

    /// Why the server could not start.
    package struct ServerError: Error, CustomStringConvertible {
        package var description: String
    }

    /// Serves `handler` on `address`:`port` (0: any free port); calls `started` with the port once
    /// it listens, then runs until the process ends.
    package static func serve(address: String, port: UInt16, started: @escaping @Sendable (UInt16) -> Void,
                              handler: @escaping Handler) throws -> Never {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ServerError(description: "no socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = port.bigEndian
        sa.sin_addr.s_addr = inet_addr(address)
        let bound = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 64) == 0 else { close(fd); throw ServerError(description: "cannot listen on \(address):\(port)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        started(UInt16(bigEndian: sa.sin_port))
        while true {
            let connection = accept(fd, nil, nil)
            if connection < 0 { continue }
            Thread { answer(connection, handler) }.start()
        }
    }

    private static func answer(_ fd: Int32, _ handler: @escaping Handler) {
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var head: (method: String, path: String, headers: [String: String], bodyStart: Int, length: Int)?
        while data.count <= (1 << 20) + 16_384 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            data += buffer[0..<n]
            if head == nil, let end = Self.find([13, 10, 13, 10], in: data) {
                let lines = String(decoding: data[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
                let parts = lines.first?.split(separator: " ") ?? []
                guard parts.count >= 2 else { return }
                var length = 0
                var headers: [String: String] = [:]
                for line in lines.dropFirst() {
                    let kv = line.split(separator: ":", maxSplits: 1)
                    guard kv.count == 2 else { continue }
                    headers[kv[0].lowercased()] = kv[1].trimmingCharacters(in: .whitespaces)
                    if kv[0].lowercased() == "content-length" { length = Int(kv[1].trimmingCharacters(in: .whitespaces)) ?? -1 }
                }
                guard length >= 0, length <= 1 << 20 else { respond(fd, 413, "text/plain", Array("a body of at most 1 MiB".utf8)); return }
                head = (String(parts[0]), String(parts[1]), headers, end + 4, length)
            }
            if let h = head, data.count >= h.bodyStart + h.length {
                let body = Array(data[h.bodyStart..<(h.bodyStart + h.length)])
                let semaphore = DispatchSemaphore(value: 0)
                let box = ResultBox()
                Task {
                    box.value = await handler(h.method, h.path, h.headers, body)
                    semaphore.signal()
                }
                semaphore.wait()
                respond(fd, box.value.0, box.value.1, box.value.2)
                return
            }
        }
        respond(fd, 413, "text/plain", Array("a body of at most 1 MiB".utf8))
    }

    private final class ResultBox: @unchecked Sendable {
        var value: (Int, String, [UInt8]) = (500, "text/plain", [])
    }

    private static func respond(_ fd: Int32, _ status: Int, _ type: String, _ body: [UInt8]) {
        let reason = status / 100 == 2 ? "OK" : status == 404 ? "Not Found" : "Error"
        let head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Self.noSignal) }
            if n <= 0 { return }
            sent += n
        }
    }

    #if os(Linux)
    static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    static let noSignal: Int32 = 0
    #endif

    static func find(_ needle: [UInt8], in data: [UInt8]) -> Int? {
        guard data.count >= needle.count else { return nil }
        for i in 0...(data.count - needle.count) where data[i] == needle[0] && Array(data[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}
