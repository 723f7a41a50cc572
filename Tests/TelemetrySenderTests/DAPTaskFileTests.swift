import AnonymousSummary
import HPKE
import DAP
import Foundation
import TelemetryDAP
import TelemetrySender
import TestSupport
import XCTest

/// The DAP task file: read strictly, every refusal with its file, line and column.
final class DAPTaskFileTests: XCTestCase {
    func read(_ text: String) throws -> DAPTask { try DAPTask(file: Array(text.utf8), name: "task.json") }

    func testTheExamplesReadAsTheirProtocols() throws {
        for (file, profile) in [("Examples/dap/task-dap-09.json", DAPProfile.dap09), ("Examples/dap/task-dap-18.json", .dap18)] {
            let bytes = try Array(Data(contentsOf: TestPaths.repositoryRoot.appendingPathComponent(file)))
            let task = try DAPTask(file: bytes, name: file)
            XCTAssertEqual(task.profile, profile)
            XCTAssertEqual(task.vdaf.type, "Prio3SumVec")
            XCTAssertEqual(task.vdaf.length, DAPTelemetryLayout().length, "the example is made for the layout")
            XCTAssertEqual(task.timePrecision, 86_400)
        }
    }

    func testRefusalsSayWhereAndWhy() {
        let good = #"{"protocol": "dap-09", "task_id": "8TuT5Z5fAuutsX9DZWSqkUw6pzDl96d3tdsDJgWH2VY", "leader": "https://l.example/", "helper": "https://h.example/", "vdaf": {"type": "Prio3SumVec", "length": 812, "bits": 1, "chunk_length": 28}, "time_precision": 3600}"#
        XCTAssertNoThrow(try read(good))
        let cases: [(String, String, String)] = [
            (good.replacingOccurrences(of: "dap-09", with: "dap-10"), "1:14", "protocol must be"),
            (good.replacingOccurrences(of: "8TuT5Z5f", with: "8TuT5Z5"), "1:35", "task_id must be 32 bytes"),
            (good.replacingOccurrences(of: "https://h.example/", with: "https://l.example/"), "", "one server"),
            (good.replacingOccurrences(of: "https://h.example/", with: "http://h.example/"), "1:124", "not an https URL"),
            (good.replacingOccurrences(of: "\"bits\": 1", with: "\"max_measurement\": 1"), "", "max_measurement is not a parameter of Prio3SumVec in dap-09"),
            (good.replacingOccurrences(of: "\"time_precision\": 3600", with: "\"time_precision\": \"soon\""), "", "a whole number"),
            (good.replacingOccurrences(of: "\"time_precision\": 3600", with: "\"time_precision\": 3600, \"colour\": \"red\""), "", "colour is not a field"),
            (good.replacingOccurrences(of: "Prio3SumVec", with: "Prio3MultihotCountVec"), "", "is not one of Prio3Count, Prio3Sum, Prio3SumVec, Prio3Histogram"),
            (good.replacingOccurrences(of: ", \"chunk_length\": 28", with: ""), "", "Prio3SumVec needs chunk_length"),
            ("{\"protocol\": \"dap-09\",\n  \"task_id\": [1, 2]}", "2:14", "a JSON string was expected"),
            ("{\"protocol\": \"dap-09\"", "", "not JSON this reader takes"),
            (good.replacingOccurrences(of: "dap-09", with: "dap-18"), "", "bits is not a parameter of Prio3SumVec in dap-18"),
            (good.replacingOccurrences(of: "dap-09", with: "dap-18").replacingOccurrences(of: "\"bits\"", with: "\"max_measurement\""), "", "min_batch_size is missing"),
        ]
        for (text, place, words) in cases {
            XCTAssertThrowsError(try read(text), words) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("task.json:" + (place.isEmpty ? "" : place + ":")), message)
                XCTAssertTrue(message.contains(words), "\(words): \(message)")
            }
        }
    }

    /// The telemetry takes only its own VDAF; a task made for another is refused in words that say which.
    func testTheTelemetryRefusesAnotherVDAF() throws {
        let task = try read(#"{"protocol": "dap-18", "task_id": "8TuT5Z5fAuutsX9DZWSqkUw6pzDl96d3tdsDJgWH2VY", "leader": "https://l.example/", "helper": "https://h.example/", "vdaf": {"type": "Prio3Histogram", "length": 4, "chunk_length": 2}, "time_precision": 3600, "min_batch_size": 10, "task_info": "x", "batch_mode": "time_interval"}"#)
        XCTAssertThrowsError(try DAPTelemetry(task: task)) { error in
            XCTAssertTrue("\(error)".contains("the telemetry needs vdaf {\"type\": \"Prio3SumVec\", \"length\": 812, \"max_measurement\": 1"), "\(error)")
            XCTAssertTrue("\(error)".contains("this task's is Prio3Histogram"), "\(error)")
        }
    }

    /// Pinned HPKE configurations are used as they are: no request goes to fetch them.
    func testPinnedConfigurationsAreNeverFetched() async throws {
        var g = SystemRandomNumberGenerator()
        let key = HPKEPrivateKey(using: &g)
        let list = try DAPHpkeConfigList([DAPHpkeConfig(id: 1, ciphersuite: .x25519SHA256AES128GCM, publicKey: key.publicKey)]).encoded()
        let pinned = Base64URL.encode(list)
        let task = try read(#"{"protocol": "dap-18", "task_id": "8TuT5Z5fAuutsX9DZWSqkUw6pzDl96d3tdsDJgWH2VY", "leader": "https://l.example/", "helper": "https://h.example/", "vdaf": {"type": "Prio3SumVec", "length": 812, "max_measurement": 1, "chunk_length": 28}, "time_precision": 3600, "min_batch_size": 10, "task_info": "x", "batch_mode": "time_interval", "hpke_configs": {"leader": "\#(pinned)", "helper": "\#(pinned)"}}"#)
        final class Recording: TelemetryTransport, @unchecked Sendable {
            let lock = NSLock()
            var requests: [TelemetryRequest] = []
            func send(_ request: TelemetryRequest) async throws -> TelemetryResponse {
                lock.withLock { requests.append(request) }
                return TelemetryResponse(status: 200)
            }
        }
        let transport = Recording()
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\n".utf8))])
        _ = try await DAPTelemetry(task: task).send(TelemetryInput(usage: usage, id: .random(), uptimeSeconds: 0, unixTime: 1_700_000_000),
                                                     via: transport)
        XCTAssertEqual(transport.requests.map(\.method), ["POST"], "the upload only")
        XCTAssertEqual(transport.requests.first?.url.absoluteString, "https://l.example/tasks/8TuT5Z5fAuutsX9DZWSqkUw6pzDl96d3tdsDJgWH2VY/reports")
    }

    /// A retry in the same batch window sends the very same report (its id counted once by the
    /// aggregators); the next window gets a new one.
    func testARetryInTheSameWindowSendsTheSameReport() async throws {
        var g = SystemRandomNumberGenerator()
        let key = HPKEPrivateKey(using: &g)
        let pinned = Base64URL.encode(try DAPHpkeConfigList([DAPHpkeConfig(id: 1, ciphersuite: .x25519SHA256AES128GCM, publicKey: key.publicKey)]).encoded())
        let task = try read(#"{"protocol": "dap-09", "task_id": "8TuT5Z5fAuutsX9DZWSqkUw6pzDl96d3tdsDJgWH2VY", "leader": "https://l.example/", "helper": "https://h.example/", "vdaf": {"type": "Prio3SumVec", "length": 812, "bits": 1, "chunk_length": 28}, "time_precision": 86400, "hpke_configs": {"leader": "\#(pinned)", "helper": "\#(pinned)"}}"#)
        final class Flaky: TelemetryTransport, @unchecked Sendable {
            let lock = NSLock()
            var bodies: [[UInt8]] = []
            func send(_ request: TelemetryRequest) async throws -> TelemetryResponse {
                let n = lock.withLock { bodies.append(request.body); return bodies.count }
                if n == 1 { throw SpyTransport.SpyError() }  // the answer is lost
                return TelemetryResponse(status: 201)
            }
        }
        let transport = Flaky()
        let mode = try DAPTelemetry(task: task)
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\n".utf8))])
        func input(_ t: Int64) -> TelemetryInput { TelemetryInput(usage: usage, id: .random(), uptimeSeconds: 0, unixTime: t) }
        await XCTAssertThrowsErrorAsync(try await mode.send(input(1_796_000_000), via: transport))
        _ = try await mode.send(input(1_796_003_600), via: transport)          // an hour later: the same window
        _ = try await mode.send(input(1_796_000_000 + 86_400), via: transport)  // the next window
        let ids = try transport.bodies.map { try DAPReport(decoding: $0, .dap09).reportID }
        XCTAssertEqual(ids.count, 3)
        XCTAssertEqual(transport.bodies[0], transport.bodies[1], "the retry is the same report, byte for byte")
        XCTAssertNotEqual(ids[1], ids[2], "a new window, a new report")
    }

    /// Fetched configurations are kept at least a day: sends within it fetch nothing; the next day
    /// fetches again (never once per send: a fetch tells an aggregator the host's address).
    func testConfigurationsAreFetchedAtMostOnceADay() async throws {
        var g = SystemRandomNumberGenerator()
        let key = HPKEPrivateKey(using: &g)
        let list = try DAPHpkeConfigList([DAPHpkeConfig(id: 1, ciphersuite: .x25519SHA256AES128GCM, publicKey: key.publicKey)]).encoded()
        final class Serving: TelemetryTransport, @unchecked Sendable {
            let list: [UInt8]
            let lock = NSLock()
            var methods: [String] = []
            init(_ list: [UInt8]) { self.list = list }
            func send(_ request: TelemetryRequest) async throws -> TelemetryResponse {
                lock.withLock { methods.append(request.method) }
                return request.method == "GET" ? TelemetryResponse(status: 200, body: list, maxAge: 3600) : TelemetryResponse(status: 201)
            }
        }
        let task = try read(#"{"protocol": "dap-09", "task_id": "8TuT5Z5fAuutsX9DZWSqkUw6pzDl96d3tdsDJgWH2VY", "leader": "https://l.example/", "helper": "https://h.example/", "vdaf": {"type": "Prio3SumVec", "length": 812, "bits": 1, "chunk_length": 28}, "time_precision": 3600}"#)
        let transport = Serving(list)
        let mode = try DAPTelemetry(task: task)
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\n".utf8))])
        let times: [Int64] = [1_796_000_000, 1_796_007_200, 1_796_080_000, 1_796_090_000]
        for t in times {
            _ = try await mode.send(TelemetryInput(usage: usage, id: .random(), uptimeSeconds: 0, unixTime: t), via: transport)
        }
        XCTAssertEqual(transport.methods, ["GET", "GET", "GET", "GET", "PUT", "PUT", "PUT", "GET", "GET", "GET", "GET", "PUT"],
                       "both lists (each fetched twice and compared), kept a day (not the answer's one hour), then fetched again")
    }

    /// An aggregator that serves each request a configuration of its own (to recognise the report
    /// sealed to it) is refused: two fetches disagree, and nothing is uploaded.
    func testAConfigurationServedToOneRequestAloneIsNotUsed() async throws {
        final class Tagging: TelemetryTransport, @unchecked Sendable {
            let lock = NSLock()
            var methods: [String] = []
            func send(_ request: TelemetryRequest) async throws -> TelemetryResponse {
                lock.withLock { methods.append(request.method) }
                var g = SystemRandomNumberGenerator()
                let key = HPKEPrivateKey(using: &g)  // a fresh key for every request
                let list = try DAPHpkeConfigList([DAPHpkeConfig(id: 1, ciphersuite: .x25519SHA256AES128GCM, publicKey: key.publicKey)]).encoded()
                return request.method == "GET" ? TelemetryResponse(status: 200, body: list) : TelemetryResponse(status: 201)
            }
        }
        let task = try read(#"{"protocol": "dap-09", "task_id": "8TuT5Z5fAuutsX9DZWSqkUw6pzDl96d3tdsDJgWH2VY", "leader": "https://l.example/", "helper": "https://h.example/", "vdaf": {"type": "Prio3SumVec", "length": 812, "bits": 1, "chunk_length": 28}, "time_precision": 3600}"#)
        let transport = Tagging()
        let usage = try Summariser().usage(of: [ConfigSource(Array("input: {kafka: {}}\n".utf8))])
        do {
            _ = try await DAPTelemetry(task: task).send(TelemetryInput(usage: usage, id: .random(), uptimeSeconds: 0, unixTime: 1_796_000_000), via: transport)
            XCTFail("a per-request configuration was used")
        } catch {
            XCTAssertTrue("\(error)".contains("two fetches disagree"), "\(error)")
        }
        XCTAssertFalse(transport.methods.contains("PUT"), "nothing uploaded")
    }
}

func XCTAssertThrowsErrorAsync<T>(_ body: @autoclosure () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async {
    do {
        _ = try await body()
        XCTFail("no error was thrown", file: file, line: line)
    } catch {}
}
