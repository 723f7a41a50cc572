import Primitives
import LocalPrivacy
import DifferentialPrivacy
import TestSupport
import AnonymousSummary
import Foundation
import UsageReport
import XCTest

/// The command-line tool, run as a user runs it: output, standard error and exit status.
final class CLITests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The two executables: the users' tool and the developers'.
    static let users = "anonymous-summary", developers = "anonymous-summary-dev"

    /// The built executable `name` beside the test bundle.
    func executable(_ name: String) throws -> URL {
        let starts = [Bundle.main.bundleURL, Bundle(for: CLITests.self).bundleURL,
                      URL(fileURLWithPath: CommandLine.arguments.first ?? ".")]
        for start in starts {
            var dir = start.deletingLastPathComponent()
            for _ in 0..<3 {
                let candidate = dir.appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                dir = dir.deletingLastPathComponent()
            }
        }
        throw XCTSkip("the \(name) executable was not built beside the tests")
    }

    /// The built users' tool.
    var tool: URL { get throws { try executable(Self.users) } }

    /// Runs the developers' tool.
    func runDev(_ arguments: [String], stdin: String? = nil) throws -> Run {
        try run(arguments, stdin: stdin, tool: Self.developers)
    }

    func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], tool name: String = CLITests.users) throws -> Run {
        let process = Process()
        process.executableURL = try executable(name)
        process.arguments = arguments
        process.currentDirectoryURL = TestPaths.repositoryRoot
        var env = ProcessInfo.processInfo.environment
        env["DO_NOT_TRACK"] = nil
        env["ANONYMOUS_SUMMARY_TELEMETRY"] = nil
        env["ANONYMOUS_SUMMARY_TELEMETRY_DEBUG"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    func testSummarisePrintsExactlyThePayload() throws {
        let r = try run(["summarise", "--id", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "--uptime", "3725", "Examples/telemetry-docs.yaml"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.filter { $0 != " " }, #"{"id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9","uptime":3600,"components":[{"type":"input","name":"generate"},{"type":"output","name":"aws_s3"}]}"# + "\n")
        XCTAssertEqual(r.stdout.utf8.count, 257, "256 bytes of payload, padded, and a line break")
    }

    func testAStreamsFolderAndAResourcesFileMakeOneSummary() throws {
        let r = try run(["summarise", "--id", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "-r", "Examples/resources.yaml", "Examples/streams"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = r.stdout.components(separatedBy: "\"name\":\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        XCTAssertEqual(names, ["http_server", "kafka", "branch", "cache", "mapping", "mutation", "resource", "switch",
                               "aws_s3", "drop", "http_client", "switch", "redis"])
        for secret in ["orders", "audit-archive", "enrich_customer", "customers", "pager.example.com", "KAFKA_BROKER"] {
            XCTAssertFalse(r.stdout.contains(secret), secret)
        }
    }

    func testARandomIdWithoutFlags() throws {
        let a = try run(["summarise", "Examples/telemetry-docs.yaml"])
        let b = try run(["summarise", "Examples/telemetry-docs.yaml"])
        XCTAssertEqual(a.status, 0)
        XCTAssertNotEqual(a.stdout, b.stdout, "each run has its own random id")
        XCTAssertTrue(a.stdout.contains(#""uptime":0,"#))
    }

    func testExitCodesAndLocatedErrors() throws {
        let bad = try run(["parse", "-"], stdin: "a: 1\nb: [\n")
        XCTAssertEqual(bad.status, 65)
        XCTAssertEqual(bad.stderr, "<stdin>:2:4: unterminated flow sequence (missing ']')\n")
        XCTAssertEqual(try run(["summarise", "no/such/file.yaml"]).status, 66)
        XCTAssertEqual(try run(["summarise", "--uptime", "soon", "Examples/telemetry-docs.yaml"]).status, 64)
        XCTAssertEqual(try run(["frobnicate"]).status, 64)
    }

    func testParsePrintsEachDocumentAsJSON() throws {
        let r = try run(["parse", "-"], stdin: "a: 1\nb: [true, x]\n---\n- null\n")
        XCTAssertEqual(r.stdout, "{\"a\":1,\"b\":[true,\"x\"]}\n[null]\n")
        let s = try run(["parse", "--strings", "-"], stdin: "a: 1\nb: [true, x]\n")
        XCTAssertEqual(s.stdout, "{\"a\":\"1\",\"b\":[\"true\",\"x\"]}\n")
    }

    func testExplainShowsWhereButNeverValues() throws {
        let r = try run(["explain", "Examples/telemetry-docs.yaml"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("Examples/telemetry-docs.yaml:5:3"), r.stdout)
        XCTAssertTrue(r.stdout.contains("aws_s3"))
        XCTAssertFalse(r.stdout.contains("fooer"), "labels are not shown")
    }

    func testStatusSaysWhatDecided() throws {
        let exact = "privacy mode: exact (plugin names and counts)\n"
        XCTAssertEqual(try run(["status"]).stdout, "telemetry is off (no endpoint is configured)\n" + exact)
        XCTAssertEqual(try run(["status", "--endpoint", "http://127.0.0.1:9/"], environment: ["DO_NOT_TRACK": "1"]).stdout,
                       "telemetry is off (DO_NOT_TRACK is set)\n" + exact)
        XCTAssertEqual(try run(["status", "--endpoint", "http://127.0.0.1:9/", "--disable-telemetry"]).stdout,
                       "telemetry is off (--disable-telemetry)\n" + exact)
        XCTAssertEqual(try run(["status", "--endpoint", "https://collector.example/v1", "--privacy", "ldp", "--epsilon", "2"]).stdout,
                       "telemetry is on (an endpoint is configured; opt out with --disable-telemetry, ANONYMOUS_SUMMARY_TELEMETRY=off or DO_NOT_TRACK=1)\n"
                       + "privacy mode: ldp (optimized unary encoding, plugin-level ε = 2.0, drawn afresh each process)\n"
                       + "addresses: no relay: the collector sees this host's address and the time of each payload\n")
        // A DAP task: who sees the address, with and without a relay.
        let dap = try run(["status", "--privacy", "dap", "--dap-task", "Examples/dap/task-dap-09.json"]).stdout
        XCTAssertTrue(dap.hasSuffix("addresses: no relay: the Leader sees this host's address and the time of each upload; "
                                    + "the Helper sees it at each configuration fetch (at most once a day)\n"), dap)
    }

    func testAPlainHTTPEndpointOffLoopbackIsRefused() throws {
        for endpoint in ["http://collector.example/v1", "http://10.0.0.1/v1", "ftp://collector.example/"] {
            let r = try run(["status", "--endpoint", endpoint])
            XCTAssertEqual(r.status, 64, endpoint)
            XCTAssertTrue(r.stderr.contains("https"), r.stderr)
        }
        for endpoint in ["http://127.0.0.1:9/", "http://localhost:9/", "http://[::1]:9/", "https://collector.example/v1"] {
            XCTAssertEqual(try run(["status", "--endpoint", endpoint]).status, 0, endpoint)
        }
    }

    func testEveryCommandHasHelpAndUnknownOptionsPrintItsUsage() throws {
        for command in ["summarise", "explain", "parse", "schema", "secret", "send", "status", "report"] {
            for flag in ["--help", "-h"] {
                let r = try run([command, flag])
                XCTAssertEqual(r.status, 0, "\(command) \(flag)")
                XCTAssertTrue(r.stdout.hasPrefix("usage: anonymous-summary \(command)"), "\(command): \(r.stdout)")
                XCTAssertEqual(r.stderr, "")
            }
            let bad = try run([command, "--no-such-option"])
            XCTAssertEqual(bad.status, 64, command)
            XCTAssertTrue(bad.stderr.contains("usage: anonymous-summary \(command)"), "\(command): \(bad.stderr)")
        }
        let version = try run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.stdout, "anonymous-summary \(AnonymousSummaryVersion.string)\n")
        let changelog = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        XCTAssertTrue(changelog.contains("## \(AnonymousSummaryVersion.string)"), "the CHANGELOG names the version --version prints")
    }

    func testSendWithAnOptOutExitsAtOnce() throws {
        let r = try run(["send", "--endpoint", "http://127.0.0.1:9/", "Examples/telemetry-docs.yaml"], environment: ["DO_NOT_TRACK": "1"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("DO_NOT_TRACK"), r.stderr)
    }
}

/// `anonymous-summary report`, as an operator runs it over a collector's files.
extension CLITests {

    func payloads(_ range: Range<Int>, _ components: String) -> String {
        range.map { n -> String in
            let hex = String(n, radix: 16)
            return #"{"id":"00000000-0000-4000-8000-\#(String(repeating: "0", count: 12 - hex.count) + hex)","uptime":600,"components":[\#(components)]}"#
        }.joined(separator: "\n") + "\n"
    }

    func testFilesADirectoryAndStandardInputMakeOneReport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try payloads(0..<6, #"{"type":"input","name":"kafka"}"#).write(to: dir.appendingPathComponent("a.jsonl"), atomically: true, encoding: .utf8)
        try payloads(6..<12, #"{"type":"input","name":"kafka"}"#).write(to: dir.appendingPathComponent("b.jsonl"), atomically: true, encoding: .utf8)
        try "not a payload: secret-text-4711\n".write(to: dir.appendingPathComponent("c.txt"), atomically: true, encoding: .utf8)
        let result = try run(["report", "--release", "exact", "--format", "json", dir.path, "-"],
                              stdin: payloads(12..<14, #"{"type":"input","name":"kafka"}"#) + "secret-text-4711\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains(#""instances": 14"#), result.stdout)
        XCTAssertTrue(result.stdout.contains(#""not_json": 1"#), result.stdout)  // from stdin; c.txt is not read
        XCTAssertTrue(result.stdout.contains(#"{"type": "input", "name": "kafka", "instances": 14, "share": 1.000000, "components": 14}"#))
        XCTAssertFalse(result.stdout.contains("secret-text"))
    }

    func testExitStatusesForAMissingFileAndForUsageErrors() throws {
        XCTAssertEqual(try run(["report", "no/such/file.jsonl"]).status, 66)
        XCTAssertEqual(try run(["report"]).status, 64)
        for bad in [["--format", "xml"], ["--release", "exact", "--min-instances", "0"], ["--with", "output/not_a_plugin"],
                    ["--min-instances", "5"], ["--release", "exact", "--epsilon", "1"], ["--release", "exact", "--budget-file", "x"],
                    ["--format", "counts"], ["--budget", "2"], ["--epsilon", "0"], ["--epsilon", "inf"], ["--delta", "0.5"],
                    ["--max-plugins", "0"], ["--release", "public"], ["--counts", "x.json"]] {
            let r = try run(["report"] + bad + ["-"], stdin: "")
            XCTAssertEqual(r.status, 64, "\(bad): \(r.stderr)")
            XCTAssertFalse(r.stderr.isEmpty, "\(bad) says why")
        }
        let exact = try run(["report", "--release", "exact", "--with", "output/aws_s3", "-"], stdin: "")
        XCTAssertEqual(exact.status, 0)
        XCTAssertTrue(exact.stdout.contains("What goes with output/aws_s3 (no instance uses it)"), exact.stdout)
        // A private release of nothing is refused, and charged to no ledger.
        let dp = try run(["report", "--no-ledger", "--with", "output/aws_s3", "-"], stdin: "")
        XCTAssertEqual(dp.status, 65)
        XCTAssertEqual(dp.stdout, "")
        XCTAssertTrue(dp.stderr.contains("report: no payload accepted from 1 file (0 lines read, 0 rejected): nothing was released or charged"), dp.stderr)
    }

    func testEveryFormatRendersAndSVGIsSelfContained() throws {
        let input = payloads(0..<12, #"{"type":"input","name":"kafka"},{"type":"output","name":"aws_s3"}"#)
        for release in ["exact", "dp"] {
            for format in ["table", "json", "csv", "svg"] {
                let result = try run(["report", "--release", release, "--format", format, "--min-instances", "1", "-"].filter {
                    release == "exact" || ($0 != "--min-instances" && $0 != "1")
                } + (release == "dp" ? ["--no-ledger"] : []), stdin: input)
                XCTAssertEqual(result.status, 0, format)
                // The private release names every catalogue plugin in JSON and CSV; the table and
                // SVG show only what passes the display threshold (12 instances do not).
                if release == "exact" || format == "json" || format == "csv" {
                    XCTAssertTrue(result.stdout.contains("aws_s3"), "\(release) \(format)")
                }
                // CSV's first line is its header; the notice is the row after it.
                let first = result.stdout.split(separator: "\n").dropFirst(format == "csv" ? 1 : 0).first.map(String.init) ?? ""
                if release == "exact" {
                    XCTAssertTrue(first.contains("NOT FOR PUBLICATION"), "\(format): \(first)")
                } else {
                    XCTAssertFalse(result.stdout.contains("NOT FOR PUBLICATION"), format)
                }
            }
            let ledger = release == "dp" ? ["--no-ledger"] : []
            let svg = try run(["report", "--release", release, "--format", "svg", "-"] + ledger, stdin: input).stdout
            XCTAssertTrue(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            XCTAssertFalse(svg.contains("href"), "no external resource")
            let json = try run(["report", "--release", release, "--format", "json", "-"] + ledger, stdin: input).stdout
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            XCTAssertEqual(object["release"] as? String, release)
        }
        let table = try run(["report", "--no-ledger", "-"], stdin: input).stdout
        XCTAssertTrue(table.hasPrefix("Differentially private release: ε = 1.000"), table)
    }
}

extension CLITests {
    /// A file over the input limit is refused from its size, before any of it is read.
    func testAFileOverTheLimitIsRefusedUnread() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("over-limit-\(UUID().uuidString).yaml").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        // A sparse file: 65 MiB of size, no data written, so the test costs nothing.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(65 << 20))
        try handle.close()
        let r = try run(["summarise", path])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.hasPrefix("\(path):1:1: input is 68157440 bytes, more than the limit of 67108864 (refused unread)"), r.stderr)
    }
}

/// The private release's ledger and counts file, through the tool.
extension CLITests {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
    }

    /// A directory of its own for a collection (the default ledger stands beside the files).
    func temporaryDirectory(_ name: String) throws -> String {
        let path = temporaryPath(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The ledger as this tool writes it, parsed by the library's strict reader.
    func ledger(at path: String) throws -> PrivacyLedger {
        try PrivacyLedger(reading: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// Releases are charged to each instance until the next would pass the cap: that one
    /// prints nothing, exits 65, says what is spent, and leaves the ledger as it was.
    func testTheLedgerRefusesTheReleaseThatWouldPassItsBudget() throws {
        let ledger = temporaryPath("ledger")
        defer { try? FileManager.default.removeItem(atPath: ledger) }
        let input = payloads(0..<30, #"{"type":"input","name":"kafka"}"#)
        // ε = 1 a release at δ = 1e-7: two compose to ρ = 2ρ₁, three to 3ρ₁.
        let rho1 = PrivacyAccounting.rho(epsilon: 1, delta: 1e-7)
        let cap = (PrivacyAccounting.epsilon(rho: 2 * rho1, delta: 1e-7) + PrivacyAccounting.epsilon(rho: 3 * rho1, delta: 1e-7)) / 2
        var released = 0
        for attempt in 0..<3 {
            let r = try run(["report", "--ledger", ledger, "--budget", String(cap), "--format", "json", "-"], stdin: input)
            if attempt < 2 {
                XCTAssertEqual(r.status, 0, r.stderr)
                XCTAssertTrue(r.stderr.contains("charged to \(ledger): ρ = 0.02019 to each of 30 instances"), r.stderr)
                released += 1
            } else {
                XCTAssertEqual(r.status, 65, r.stderr)
                XCTAssertEqual(r.stdout, "", "a refused release prints nothing")
                XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("refused: each of the 30 instances read has spent too much"), r.stderr)
                XCTAssertFalse(r.stderr.contains("new collection") || r.stderr.contains("new ledger"),
                               "never advises a fresh budget for the same people: \(r.stderr)")
            }
        }
        let book = try self.ledger(at: ledger)
        XCTAssertEqual(book.releases.count, released)
        XCTAssertEqual(book.instanceCount, 30)
        let digest = SHA256.hash(Array(input.utf8)).map { String(format: "%02x", $0) }.joined()
        XCTAssertTrue(book.releases[0].contains("input=\(digest):\(input.utf8.count):<stdin>"), book.releases[0])
        XCTAssertEqual(book.mostSpent, 2 * rho1, accuracy: rho1 * 2e-3, "two releases of ρ₁ on each instance")
        // The cap recorded is the one later releases meet without --budget.
        let again = try run(["report", "--ledger", ledger, "-"], stdin: input)
        XCTAssertEqual(again.status, 65, again.stderr)
        // --budget-file is the same option.
        XCTAssertEqual(try run(["report", "--budget-file", ledger, "-"], stdin: input).status, 65)
        // A ledger this tool did not write is not trusted, nor one cut short.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: ledger))
        try bytes.dropLast(10).write(to: URL(fileURLWithPath: ledger))
        let cut = try run(["report", "--ledger", ledger, "-"], stdin: input)
        XCTAssertEqual(cut.status, 65)
        XCTAssertTrue(cut.stderr.contains("not a privacy ledger"), cut.stderr)
        try "{\"releases\": []}".write(toFile: ledger, atomically: true, encoding: .utf8)
        let foreign = try run(["report", "--ledger", ledger, "-"], stdin: input)
        XCTAssertEqual(foreign.status, 65)
        XCTAssertTrue(foreign.stderr.contains("not a privacy ledger"), foreign.stderr)
    }

    /// Month two's payloads of the same instances, in the same collection, are charged to the
    /// same instances: the default ledger beside the files knows them; new instances join with
    /// their whole budget, and those that have spent it are left out.
    func testTheDefaultLedgerChargesTheSameInstancesAcrossFiles() throws {
        let dir = try temporaryDirectory("collection")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let monthOne = payloads(0..<20, #"{"type":"input","name":"kafka"}"#)
        // The same 20 ids a month later, and 5 new ones.
        let monthTwo = monthOne.replacingOccurrences(of: "\"uptime\":", with: "\"uptime\":2592000") + payloads(100..<105, #"{"type":"input","name":"kafka"}"#)
        try monthOne.write(toFile: dir + "/2026-11.jsonl", atomically: true, encoding: .utf8)
        try monthTwo.write(toFile: dir + "/2026-12.jsonl", atomically: true, encoding: .utf8)
        let rho1 = PrivacyAccounting.rho(epsilon: 1, delta: 1e-7)
        let cap = PrivacyAccounting.epsilon(rho: 2 * rho1, delta: 1e-7) * 1.0001  // two releases an instance
        for _ in 0..<2 {
            let r = try run(["report", "--budget", String(cap), dir + "/2026-11.jsonl"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let path = dir + "/" + "anonymous-summary.ledger"
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "the ledger stands beside the files read")
        let next = try run(["report", "--format", "json", dir + "/2026-12.jsonl"])
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertTrue(next.stderr.contains("report: 20 of 25 instances left out of this release"), next.stderr)
        XCTAssertTrue(next.stderr.contains("to each of 5 instances"), next.stderr)
        let book = try ledger(at: path)
        XCTAssertEqual(book.instanceCount, 25)
        XCTAssertLessThanOrEqual(book.mostSpent, book.rhoCap)
        // The whole directory: the same ledger, and now no instance has budget left.
        let month3 = try run(["report", "--budget", String(cap), dir])
        XCTAssertEqual(month3.status, 0, "the 5 new ones have one release left: \(month3.stderr)")
        let spent = try run(["report", dir])
        XCTAssertEqual(spent.status, 65, spent.stderr)
        XCTAssertEqual(try ledger(at: path).releases.count, 4, "the refused release is not recorded")
        // A directory below the collection's: the ledger above it is the collection's.
        try FileManager.default.createDirectory(atPath: dir + "/2027-01", withIntermediateDirectories: true)
        try monthOne.write(toFile: dir + "/2027-01/a.jsonl", atomically: true, encoding: .utf8)
        let below = try run(["report", dir + "/2027-01"])
        XCTAssertEqual(below.status, 65, below.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/2027-01/anonymous-summary.ledger"), "no second ledger")
        // Files of two directories have no one place: the operator names the ledger.
        let other = try temporaryDirectory("elsewhere")
        defer { try? FileManager.default.removeItem(atPath: other) }
        try monthOne.write(toFile: other + "/x.jsonl", atomically: true, encoding: .utf8)
        let two = try run(["report", dir + "/2026-11.jsonl", other + "/x.jsonl"])
        XCTAssertEqual(two.status, 64, two.stderr)
        XCTAssertTrue(two.stderr.contains("give --ledger FILE"), two.stderr)
        // Standard input too; --no-ledger releases with a warning.
        XCTAssertEqual(try run(["report", "-"], stdin: monthOne).status, 64)
        let none = try run(["report", "--no-ledger", "-"], stdin: monthOne)
        XCTAssertEqual(none.status, 0, none.stderr)
        XCTAssertTrue(none.stderr.contains("--no-ledger: this release is charged to no ledger"), none.stderr)
    }

    /// A symbolic or a hard link to the ledger reaches the same ledger (one lock, written in
    /// place): two names never grant the budget twice.
    func testEveryLinkToTheLedgerIsTheSameLedger() throws {
        let dir = try temporaryDirectory("links")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = payloads(0..<10, #"{"type":"input","name":"kafka"}"#)
        let rho1 = PrivacyAccounting.rho(epsilon: 1, delta: 1e-7)
        let cap = PrivacyAccounting.epsilon(rho: 3 * rho1, delta: 1e-7) * 1.0001  // three releases
        let main = dir + "/ledger", soft = dir + "/soft", hard = dir + "/hard"
        XCTAssertEqual(try run(["report", "--ledger", main, "--budget", String(cap), "-"], stdin: input).status, 0)
        try FileManager.default.createSymbolicLink(atPath: soft, withDestinationPath: main)
        try FileManager.default.linkItem(atPath: main, toPath: hard)
        XCTAssertEqual(try run(["report", "--ledger", soft, "-"], stdin: input).status, 0)
        XCTAssertEqual(try run(["report", "--ledger", hard, "-"], stdin: input).status, 0)
        for name in [main, soft, hard] {
            let r = try run(["report", "--ledger", name, "-"], stdin: input)
            XCTAssertEqual(r.status, 65, "\(name) granted a fourth release: \(r.stderr)")
        }
        XCTAssertEqual((try FileManager.default.destinationOfSymbolicLink(atPath: soft)), main, "the link is still a link")
        let attributes = try FileManager.default.attributesOfItem(atPath: hard)
        XCTAssertEqual((attributes[.referenceCount] as? NSNumber)?.intValue, 2, "the hard link still shares the ledger's inode")
        XCTAssertEqual(try ledger(at: hard).releases.count, 3)
    }

    /// The ledger's δ is fixed when it is made; a release at another δ is refused; a read that
    /// accepted no line (an empty file, a binary) charges nothing and exits 65 with one line.
    func testTheLedgersDeltaIsFixedAndAnEmptyReadChargesNothing() throws {
        let dir = try temporaryDirectory("delta")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = payloads(0..<10, #"{"type":"input","name":"kafka"}"#)
        let path = dir + "/ledger"
        XCTAssertEqual(try run(["report", "--ledger", path, "--delta", "0.009", "-"], stdin: input).status, 0)
        let other = try run(["report", "--ledger", path, "-"], stdin: input)
        XCTAssertEqual(other.status, 64, other.stderr)
        XCTAssertTrue(other.stderr.contains("the ledger accounts at δ = 0.009"), other.stderr)
        XCTAssertEqual(try ledger(at: path).releases.count, 1)
        try "".write(toFile: dir + "/empty.jsonl", atomically: true, encoding: .utf8)
        for file in [dir + "/empty.jsonl", "/bin/ls"] where FileManager.default.fileExists(atPath: file) {
            let r = try run(["report", "--ledger", path, "--delta", "0.009", file])
            XCTAssertEqual(r.status, 65, r.stderr)
            XCTAssertEqual(r.stdout, "")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("nothing was released or charged"), r.stderr)
        }
        XCTAssertEqual(try ledger(at: path).releases.count, 1, "an empty read charged nothing")
    }

    /// `--release exact --format counts` writes the bounded counts; `--counts` releases them
    /// with noise; a counts file that is not exactly the shape is refused with its place named.
    func testCountsMadeExactlyAreReleasedWithNoise() throws {
        let counts = temporaryPath("counts")
        defer { try? FileManager.default.removeItem(atPath: counts) }
        let input = payloads(0..<300, #"{"type":"input","name":"kafka"},{"type":"output","name":"aws_s3"}"#)
        let made = try run(["report", "--release", "exact", "--format", "counts", "-"], stdin: input)
        XCTAssertEqual(made.status, 0, made.stderr)
        try made.stdout.write(toFile: counts, atomically: true, encoding: .utf8)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(made.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["instances"] as? Int, 300)
        let released = try run(["report", "--counts", counts, "--no-ledger", "--format", "json"])
        XCTAssertEqual(released.status, 0, released.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(released.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["release"] as? String, "dp")
        let instances = try XCTUnwrap((report["instances"] as? [String: Any])?["estimate"] as? Int)
        XCTAssertLessThan(abs(instances - 300), 150, "noisy, near the truth")
        let table = try run(["report", "--counts", counts, "--no-ledger"])
        XCTAssertTrue(table.stdout.contains("aws_s3"), table.stdout)
        for (bad, place) in [("\"instances\": 300", "\"instances\": -1"), ("\"instances\": 300", "\"instances\": true"),
                             ("\"name\": \"kafka\"", "\"name\": \"secret-name\""), ("\"max_plugins\": 8", "\"max_plugins\": 1"),
                             ("\"version\": 1", "\"version\": 2"), ("\"conflicts\"", "\"extra\": 1, \"conflicts\"")] {
            try made.stdout.replacingOccurrences(of: bad, with: place).write(toFile: counts, atomically: true, encoding: .utf8)
            let r = try run(["report", "--counts", counts, "--no-ledger"])
            XCTAssertEqual(r.status, 65, "\(place): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix(counts + ": "), r.stderr)
            XCTAssertFalse(r.stderr.contains("secret-name"), "a name from the file is never echoed")
        }
    }
}

/// LDP payloads: their own release, never inside the private one; one meaning of `estimate`.
extension CLITests {
    func ldpLines(_ count: Int, ones: Bool) throws -> String {
        let bits = try String(contentsOfFile: TestPaths.repositoryRoot.appendingPathComponent("Tests/FuzzCorpus/payload-valid-ldp.jsonl").path, encoding: .utf8)
        let template = bits.split(separator: "\n")[0]
        return (0..<count).map { n -> String in
            let hex = String(0x200000 + n, radix: 16)
            var line = String(template).replacingOccurrences(of: "3b2e1c4d-5f6a-4b7c-8d9e-0f1a2b3c4d5e", with: "00000000-0000-4000-8000-000000\(hex)")
            if ones, let range = line.range(of: #""bits":"[0-9a-f]+""#, options: .regularExpression) {
                let width = line[range].count - 9
                line.replaceSubrange(range, with: "\"bits\":\"" + String(repeating: "f", count: width - 1) + "c\"")
            }
            return line
        }.joined(separator: "\n") + "\n"
    }

    func testLDPPayloadsHaveTheirOwnReleaseAndAreNotInThePrivateOne() throws {
        let input = try ldpLines(40, ones: false) + payloads(0..<30, #"{"type":"input","name":"kafka"}"#)
        let dp = try run(["report", "--no-ledger", "--format", "json", "-"], stdin: input)
        XCTAssertEqual(dp.status, 0, dp.stderr)
        XCTAssertTrue(dp.stderr.contains("40 LDP payloads left out of the private release"), dp.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(dp.stdout.utf8)) as? [String: Any])
        XCTAssertNil(object["ldp"], "no LDP section in the private release")
        let ldp = try run(["report", "--release", "ldp", "--min-instances", "1", "-"], stdin: input)
        XCTAssertEqual(ldp.status, 0, ldp.stderr)
        XCTAssertTrue(ldp.stdout.hasPrefix("LDP payloads only:"), ldp.stdout)
        XCTAssertTrue(ldp.stdout.contains("plugin-level ε = 1.0986"), ldp.stdout)
        XCTAssertTrue(ldp.stdout.contains("40 instances (40 payloads)"), ldp.stdout)
        for bad in [["--epsilon", "1"], ["--with", "input/kafka"], ["--format", "counts"]] {
            XCTAssertEqual(try run(["report", "--release", "ldp"] + bad + ["-"], stdin: input).status, 64, "\(bad)")
        }
        // An LDP-only collection: the exact view leads with its LDP section, its SVG charts estimates.
        let only = try ldpLines(40, ones: true)
        let table = try run(["report", "--release", "exact", "--min-instances", "1", "-"], stdin: only).stdout
        let lines = table.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[1].hasPrefix("Usage report: no exact payload; 40 LDP payloads in 1 group"), lines[1])
        XCTAssertNil(table.range(of: #"(^|[^0-9,])0 instances"#, options: .regularExpression), table)
        let svg = try run(["report", "--release", "exact", "--min-instances", "1", "--format", "svg", "-"], stdin: only).stdout
        XCTAssertTrue(svg.contains("class=\"whisker\""), "estimates drawn with their intervals")
        XCTAssertNil(svg.range(of: #"(^|[^0-9,])0 instances"#, options: .regularExpression), svg)
        // A ledger named records an LDP release with no central ρ.
        let ledger = temporaryPath("ledger-ldp")
        defer { try? FileManager.default.removeItem(atPath: ledger) }
        XCTAssertEqual(try run(["report", "--release", "ldp", "--ledger", ledger, "-"], stdin: input).status, 0)
        let entry = try XCTUnwrap(try self.ledger(at: ledger).releases.first)
        XCTAssertTrue(entry.hasPrefix("rho=0 charged=none ldp local-epsilons="), entry)
        // A cap can be lowered, never raised.
        XCTAssertEqual(try run(["report", "--ledger", ledger, "--budget", "9", "-"], stdin: input).status, 64)
        XCTAssertEqual(try run(["report", "--ledger", ledger, "--budget", "2", "-"], stdin: input).status, 0)
    }

    /// `estimate` is the same number in JSON and CSV (the share, clipped to [0, 1]); CSV's
    /// `unbiased` is JSON's `unbiased`.
    func testEstimateMeansOneThingInEveryFormat() throws {
        let input = try ldpLines(30, ones: false)
        let json = try run(["report", "--release", "ldp", "--min-instances", "1", "--format", "json", "-"], stdin: input).stdout
        let csv = try run(["report", "--release", "ldp", "--min-instances", "1", "--format", "csv", "-"], stdin: input).stdout
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let plugins = try XCTUnwrap(((root["ldp"] as? [[String: Any]])?.first)?["plugins"] as? [[String: Any]])
        let header = try XCTUnwrap(csv.split(separator: "\n").first).split(separator: ",").map(String.init)
        let e = try XCTUnwrap(header.firstIndex(of: "estimate")), u = try XCTUnwrap(header.firstIndex(of: "unbiased"))
        var compared = 0, negative = 0
        for row in csv.split(separator: "\n") where row.hasPrefix("ldp_plugin,") {
            let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard let p = plugins.first(where: { $0["type"] as? String == cells[1] && $0["name"] as? String == cells[2] }) else { continue }
            XCTAssertEqual(Double(cells[e]) ?? -1, p["estimate"] as? Double ?? -2, accuracy: 1e-6, "\(cells[2])")
            XCTAssertEqual(Double(cells[u]) ?? -1, p["unbiased"] as? Double ?? -2, accuracy: 1e-6, "\(cells[2])")
            if (Double(cells[u]) ?? 0) < 0 { negative += 1 }
            compared += 1
        }
        XCTAssertGreaterThan(compared, 300)
        XCTAssertGreaterThan(negative, 0, "some unbiased estimates are negative, and their estimate is 0 in both formats")
    }
}

/// LDP secrets: one reader for the library and the tool; warnings a user needs.
extension CLITests {
    /// The file `anonymous-summary secret` writes, read by the library (`LDPSecret(secretFile:)`,
    /// as docs/ldp.md's host example does) and by `summarise --secret-file`, gives the same id
    /// and the same bits.
    func testTheLibraryAndTheToolDrawTheSameFromOneSecretFile() throws {
        let path = temporaryPath("secret")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let made = try run(["secret"])
        XCTAssertEqual(made.status, 0)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(made.stdout.utf8), attributes: [.posixPermissions: 0o600]))
        let printed = try run(["summarise", "--privacy", "ldp", "--secret-file", path, "--uptime", "0", "Examples/telemetry-docs.yaml"])
        XCTAssertEqual(printed.status, 0, printed.stderr)
        XCTAssertFalse(printed.stderr.contains("warning"), printed.stderr)
        let contents = try XCTUnwrap(FileManager.default.contents(atPath: path))
        let secret = try XCTUnwrap(try LDPSecret(secretFile: Array(contents)))
        let usage = try Summariser().usage(of: [ConfigSource(Array(try Data(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("Examples/telemetry-docs.yaml"))))])
        let mechanism = try XCTUnwrap(OptimizedUnaryEncoding(epsilon: OptimizedUnaryEncoding.defaultEpsilon))
        let library = LDPReport(usage: usage, mechanism: mechanism, secret: secret).summary(id: secret.instanceID, uptimeSeconds: 0)
        XCTAssertEqual(printed.stdout, library.jsonString() + "\n", "one file, one key, one draw")
        // The raw bytes of the file are not a key the library takes for it.
        XCTAssertNotEqual(LDPSecret(key: Array(contents)), secret)
        // Readable by others: said, once.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let open = try run(["summarise", "--privacy", "ldp", "--secret-file", path, "Examples/telemetry-docs.yaml"])
        XCTAssertEqual(open.status, 0)
        XCTAssertTrue(open.stderr.contains("warning: \(path) can be read by other users (mode 644)"), open.stderr)
    }

    /// The LDP options need --privacy ldp in every command that takes them.
    func testPrivacyOptionsFollowOneRuleInEveryCommand() throws {
        for command in [["summarise"], ["send", "--endpoint", "http://127.0.0.1:9/"], ["status"]] {
            for option in [["--epsilon", "2"], ["--secret-file", "x"]] {
                let operand = command[0] == "status" ? [] : ["Examples/telemetry-docs.yaml"]
                let r = try run(command + option + operand)
                XCTAssertEqual(r.status, 64, "\(command) \(option): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("goes with --privacy ldp"), r.stderr)
            }
        }
    }
}

/// What a new user hits first: empty inputs are refused with their names, not sent.
extension CLITests {
    func testAnEmptyDirectoryOrAConfigWithNoComponentIsRefused() throws {
        let dir = temporaryPath("empty-dir")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for command in [["summarise"], ["send", "--endpoint", "http://127.0.0.1:9/"]] {
            let r = try run(command + [dir])
            XCTAssertEqual(r.status, 66, "\(command): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("\(dir): a directory with no .yaml or .yml config in it"), r.stderr)
        }
        let config = dir + "/nothing.yaml"
        try "# only a comment\nhttp: {address: 0.0.0.0:4195}\n".write(toFile: config, atomically: true, encoding: .utf8)
        for command in [["summarise"], ["send", "--endpoint", "http://127.0.0.1:9/"]] {
            let r = try run(command + [config])
            XCTAssertEqual(r.status, 65, "\(command): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("\(config): no component found"), r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        let allowed = try run(["summarise", "--allow-empty", config])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertTrue(allowed.stdout.filter { $0 != " " }.contains(#""components":[]}"#), allowed.stdout)
        XCTAssertEqual(try run(["report", dir]).status, 66, "report: a directory with no *.jsonl")
    }
}

extension CLITests {
    /// `send` says, before its first delay, when the first payload will go (it used to print
    /// nothing for five minutes and look hung).
    func testSendSaysWhenTheFirstPayloadGoes() throws {
        let process = Process()
        process.executableURL = try tool
        process.arguments = ["send", "--endpoint", "http://127.0.0.1:9/", "--initial-delay", "60s", "Examples/telemetry-docs.yaml"]
        process.currentDirectoryURL = TestPaths.repositoryRoot
        var env = ProcessInfo.processInfo.environment
        for name in ["DO_NOT_TRACK", "ANONYMOUS_SUMMARY_TELEMETRY", "ANONYMOUS_SUMMARY_TELEMETRY_DEBUG"] { env[name] = nil }
        process.environment = env
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let collected = LogText()
        err.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        let deadline = Date().addingTimeInterval(60)  // a limit for a broken test; a passing one returns at the line
        var said = false
        while Date() < deadline && !said {
            Thread.sleep(forTimeInterval: 0.05)
            said = collected.text.contains("the first payload goes in")
        }
        process.terminate()
        process.waitUntilExit()
        err.fileHandleForReading.readabilityHandler = nil
        let text = collected.text
        XCTAssertTrue(said, text)
        XCTAssertTrue(text.contains("(a random moment from 1 min to 1 h 1 min after start), then about every 24 h"), text)
    }
}

/// Text gathered from a pipe on another thread.
final class LogText: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ more: Data) { lock.withLock { data.append(more) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

extension CLITests {
    /// `vdaf run` completes a vector from its inputs alone: on the official MultihotCountVec
    /// vectors (copied into the repository) the output equals the official file, every field.
    func testVDAFRunCompletesAnOfficialVectorFromItsInputs() throws {
        for n in 0..<3 {
            let name = "Prio3MultihotCountVec_\(n).json"
            let url = TestPaths.repositoryRoot.appendingPathComponent("Tests/VDAFTests/Vectors/\(name)")
            let official = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            var inputs = official.filter { !["agg_result", "agg_shares", "operations", "reports"].contains($0.key) }
            inputs["reports"] = (official["reports"] as? [[String: Any]] ?? []).map { r in r.filter { ["measurement", "nonce", "rand"].contains($0.key) } }
            let path = temporaryPath(name)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try JSONSerialization.data(withJSONObject: inputs).write(to: URL(fileURLWithPath: path))
            let r = try runDev(["vdaf", "run", "--vdaf", "Prio3MultihotCountVec", path])
            XCTAssertEqual(r.status, 0, r.stderr)
            let completed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? NSDictionary)
            XCTAssertEqual(completed, official as NSDictionary, name)
        }
        XCTAssertEqual(try runDev(["vdaf", "run", "-"], stdin: "{}").status, 64, "no variant named")
        XCTAssertEqual(try runDev(["vdaf", "run", "--vdaf", "Prio3Count", "-"], stdin: "[1]").status, 65)
    }

    /// `--draft 08`: draft 08's vectors (copied in Tests/VDAFTests/Vectors/vdaf-08), stripped to
    /// their inputs, come back equal to the official files.
    func testVDAFRunCompletesADraft08VectorFromItsInputs() throws {
        for name in ["Prio3Count_1.json", "Prio3Sum_0.json", "Prio3Histogram_1.json", "Prio3MultiHotHistogram_1.json"] {
            let url = TestPaths.repositoryRoot.appendingPathComponent("Tests/VDAFTests/Vectors/vdaf-08/\(name)")
            let official = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            var inputs = official.filter { !["agg_result", "agg_shares", "prep"].contains($0.key) }
            inputs["prep"] = (official["prep"] as? [[String: Any]] ?? []).map { r in r.filter { ["measurement", "nonce", "rand"].contains($0.key) } }
            let path = temporaryPath(name)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try JSONSerialization.data(withJSONObject: inputs).write(to: URL(fileURLWithPath: path))
            let r = try runDev(["vdaf", "run", "--draft", "08", "--vdaf", String(name.prefix { $0 != "_" }), path])
            XCTAssertEqual(r.status, 0, r.stderr)
            let completed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? NSDictionary)
            XCTAssertEqual(completed, official as NSDictionary, name)
        }
        XCTAssertEqual(try runDev(["vdaf", "run", "--draft", "08", "--vdaf", "Prio3MultihotCountVec", "-"], stdin: "{}").status, 64,
                       "a draft-20 variant under draft 08")
    }
}

extension CLITests {
    /// A DAP collection's sums become a counts file, which `report --counts` releases.
    func testDAPCountsFeedThePrivateRelease() throws {
        let width = ComponentCatalog.benthos.pluginLayout.width
        var sums = [Int](repeating: 0, count: 812)  // the task's layout: presence first
        let kafka = try XCTUnwrap(ComponentCatalog.benthos.pluginLayout.plugins.firstIndex { $0.kind == .input && $0.name == "kafka" })
        sums[kafka] = 700
        sums[width - 1] = 5  // scanner unlisted
        let input = "{\"report_count\": 1000, \"aggregate_result\": [\(sums.map(String.init).joined(separator: ","))]}"
        let counts = try run(["dap-counts", "--dap-task", "Examples/dap/task-dap-09.json", "-"], stdin: input)
        XCTAssertEqual(counts.status, 0, counts.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(counts.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["instances"] as? Int, 1000)
        XCTAssertEqual((object["plugins"] as? [[String: Any]])?.first?["instances"] as? Int, 700)
        XCTAssertEqual((object["bounds"] as? [String: Any])?["max_plugins"] as? Int, 15)
        let path = temporaryPath("dap-counts")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try counts.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        let released = try run(["report", "--counts", path, "--no-ledger"])
        XCTAssertEqual(released.status, 0, released.stderr)
        XCTAssertTrue(released.stdout.contains("kafka"), released.stdout)
        for bad in ["{}", "{\"report_count\": 3, \"aggregate_result\": [1]}",
                    "{\"report_count\": 3, \"aggregate_result\": [\(([9] + [Int](repeating: 0, count: 811)).map(String.init).joined(separator: ","))]}",
                    "{\"report_count\": 3, \"aggregate_result\": [\([Int](repeating: 0, count: width).map(String.init).joined(separator: ","))]}"] {
            XCTAssertEqual(try run(["dap-counts", "--dap-task", "Examples/dap/task-dap-09.json", "-"], stdin: bad).status, 65, bad.prefix(40).description)
        }
    }
}

/// `report --accepted OUT`: the lines the report accepted, byte for byte, for loading a SQL engine.
extension CLITests {
    /// OUT holds exactly the accepted lines (exact and LDP payloads, a `\r` before the line break
    /// kept), in order, as many as the report counted; no rejected line, hostile ones included;
    /// and the report of OUT is the report of the input with nothing rejected.
    func testAcceptedWritesExactlyTheLinesTheReportCounted() throws {
        let out = temporaryPath("accepted")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let valid = payloads(0..<12, #"{"type":"input","name":"kafka"},{"type":"output","name":"aws_s3"}"#)
            .split(separator: "\n").map(String.init)
        let id0 = "00000000-0000-4000-8000-000000000000"
        // Lines a general JSON reader takes and the report refuses: a duplicate key, an uptime
        // of 1e30 (each would make id0's instance lose its plugins in SQL), an unknown key.
        let hostile = [#"{"id":"\#(id0)","uptime":999,"components":[],"id":"\#(id0)"}"#,
                       #"{"id":"\#(id0)","uptime":1e30,"components":[]}"#,
                       #"{"id":"\#(id0)","uptime":1,"components":[],"extra":"secret-text-4711"}"#,
                       #"{"id":"\#(id0)","uptime":1,"components":[{"type":"input","name":"<script>"}]}"#,
                       "GET / HTTP/1.1", ""]
        let ldp = try ldpLines(3, ones: false).split(separator: "\n").map(String.init)
        let withReturn = valid[5] + "\r"
        let input = [valid[0], hostile[0], valid[1], hostile[1], ldp[0], hostile[2], hostile[3], hostile[4], hostile[5]]
            + Array(valid[2...]) + [withReturn] + Array(ldp[1...])
        let expected = [valid[0], valid[1], ldp[0]] + Array(valid[2...]) + [withReturn] + Array(ldp[1...])

        let r = try run(["report", "--release", "exact", "--format", "json", "--min-instances", "1", "--accepted", out, "-"],
                        stdin: input.joined(separator: "\n") + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let written = try Data(contentsOf: URL(fileURLWithPath: out))
        XCTAssertEqual(written, Data((expected.joined(separator: "\n") + "\n").utf8), "exactly the accepted lines, as read")
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let lines = try XCTUnwrap(report["lines"] as? Int)
        let rejected = try XCTUnwrap(report["rejected"] as? [String: Int]).values.reduce(0, +)
        XCTAssertEqual(rejected, hostile.count)
        let count = written.filter { $0 == 0x0A }.count
        XCTAssertEqual(count, lines - rejected, "as many lines as the report accepted")
        XCTAssertEqual(count, try XCTUnwrap(report["payloads"] as? Int) + ldp.count)
        let text = String(decoding: written, as: UTF8.self)
        for line in hostile where !line.isEmpty { XCTAssertFalse(text.contains(line), line) }
        XCTAssertTrue(r.stderr.contains("report: \(count) accepted lines written to \(out)"), r.stderr)

        // The accepted lines make the same report, with nothing rejected.
        let again = try run(["report", "--release", "exact", "--format", "json", "--min-instances", "1", out])
        let second = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(second["instances"] as? Int, report["instances"] as? Int)
        XCTAssertEqual(second["payloads"] as? Int, report["payloads"] as? Int)
        XCTAssertEqual(try XCTUnwrap(second["rejected"] as? [String: Int]).values.reduce(0, +), 0)
        XCTAssertEqual((second["plugins"] as? [[String: Any]])?.count, (report["plugins"] as? [[String: Any]])?.count)

        // A side output of every release; refused where it means nothing or would destroy an input.
        try? FileManager.default.removeItem(atPath: out)
        let dp = try run(["report", "--no-ledger", "--accepted", out, "-"], stdin: input.joined(separator: "\n"))
        XCTAssertEqual(dp.status, 0, dp.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), written, "the last line needs no line break")
        for bad in [["--accepted", "-", "-"], ["--accepted", out, out], ["--counts", out, "--accepted", out + ".2"]] {
            let refused = try run(["report", "--no-ledger"] + bad, stdin: "")
            XCTAssertEqual(refused.status, 64, "\(bad): \(refused.stderr)")
            XCTAssertTrue(refused.stderr.contains("--accepted"), refused.stderr)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), written, "an input named as OUT is left as it was")
        let unwritable = try run(["report", "--no-ledger", "--accepted", "/nonexistent-dir/accepted.jsonl", "-"], stdin: input.joined(separator: "\n"))
        XCTAssertEqual(unwritable.status, 66, unwritable.stderr)
        XCTAssertTrue(unwritable.stderr.hasPrefix("--accepted /nonexistent-dir/accepted.jsonl: cannot be written"), unwritable.stderr)
    }
}

extension CLITests {
    /// `dap-counts` maps a collection, as Janus's collect prints it, through the task's layout:
    /// entry 25 is input/generate, 342 the first pair, 808 the second uptime bucket; a result of
    /// another length is refused.
    func testDAPCountsMapsJanussCollectOutputThroughTheLayout() throws {
        var values = [Int](repeating: 0, count: 812)
        values[25] = 3
        values[342] = 2
        values[808] = 4
        let text = "Number of reports: 4\nSpanned interval: start: 0 length: 3600\nAggregation result: [" + values.map(String.init).joined(separator: ", ") + "]\n"
        let r = try run(["dap-counts", "--dap-task", "Examples/dap/task-dap-09.json", "-"], stdin: text)
        XCTAssertEqual(r.status, 0, r.stderr)
        let counts = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(counts["instances"] as? Int, 4)
        let plugins = try XCTUnwrap(counts["plugins"] as? [[String: Any]])
        XCTAssertEqual(plugins.count, 1)
        XCTAssertEqual(plugins.first?["name"] as? String, "generate")
        XCTAssertEqual(plugins.first?["instances"] as? Int, 3)
        let pairs = try XCTUnwrap(counts["pairs"] as? [[String: Any]])
        XCTAssertEqual(pairs.first?["instances"] as? Int, 2)
        XCTAssertEqual((counts["uptime"] as? [String: Int])?["under_1d"], 4)
        let short = try run(["dap-counts", "--dap-task", "Examples/dap/task-dap-09.json", "-"], stdin: "Number of reports: 1\nAggregation result: [1, 0]\n")
        XCTAssertEqual(short.status, 65)
        XCTAssertTrue(short.stderr.contains("812"), short.stderr)
    }
}
