import UsageReport
import DifferentialPrivacy
import TestSupport
import AnonymousSummary
import Foundation
import XCTest

/// The tool behaves like a Unix tool (issue 23, item 6), run as a user runs it: help on standard
/// output, sysexits, `--option=value`, values that cannot work refused at once, errors in words,
/// one description of the command line behind the help, the docs and the completion scripts.
extension CLITests {
    /// The users' commands, in anonymous-summary.
    static let usersCommands = ["summarise", "explain", "parse", "schema", "secret", "status", "send", "report",
                                "dap-counts", "completion"]
    /// The developers' commands, in anonymous-summary-dev.
    static let developersCommands = ["bench", "prio3-bench", "dp-simulate", "ldp-simulate", "vdaf", "hpke", "dap-harness"]
    /// Every command, with the executable it is in.
    static let everyCommand = usersCommands.map { (tool: users, command: $0) } + developersCommands.map { (tool: developers, command: $0) }

    /// Runs the tool and stops it after `seconds` if it has not finished (status -1 then): a
    /// command that should refuse its arguments at once must not hang the test when it does not.
    func runBriefly(_ arguments: [String], seconds: Double = 10, tool name: String = CLITests.users) throws -> Run {
        let process = Process()
        process.executableURL = try executable(name)
        process.arguments = arguments
        process.currentDirectoryURL = TestPaths.repositoryRoot
        var env = ProcessInfo.processInfo.environment
        for name in ["DO_NOT_TRACK", "ANONYMOUS_SUMMARY_TELEMETRY", "ANONYMOUS_SUMMARY_TELEMETRY_DEBUG"] { env[name] = nil }
        process.environment = env
        let out = LogText(), err = LogText()
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        outPipe.fileHandleForReading.readabilityHandler = { out.append($0.availableData) }
        errPipe.fileHandleForReading.readabilityHandler = { err.append($0.availableData) }
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let finished = !process.isRunning
        if !finished { process.terminate() }
        process.waitUntilExit()
        outPipe.fileHandleForReading.readabilityHandler = nil
        errPipe.fileHandleForReading.readabilityHandler = nil
        // What the handlers had not read when the process ended.
        out.append(outPipe.fileHandleForReading.readDataToEndOfFile())
        err.append(errPipe.fileHandleForReading.readDataToEndOfFile())
        return Run(status: finished ? process.terminationStatus : -1, stdout: out.text, stderr: err.text)
    }

    /// A message a user reads: no Swift case name (`badKey`), no Foundation boilerplate.
    func assertInWords(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(text.isEmpty, "\(what) says why", file: file, line: line)
        let camelCase = text.range(of: #"(^|[\s(:])[a-z]+[A-Z][A-Za-z]*\b"#, options: .regularExpression)
        XCTAssertNil(camelCase, "\(what): a Swift name in \(text)", file: file, line: line)
        for boilerplate in ["correct format", "could not be completed", "couldn’t be completed", "couldn't be read"] {
            XCTAssertFalse(text.contains(boilerplate), "\(what): \(text)", file: file, line: line)
        }
    }

    func testEveryCommandsHelpIsOnStandardOutputWithStatus0() throws {
        for (tool, command) in Self.everyCommand {
            for flag in ["--help", "-h"] {
                let r = try run([command, flag], tool: tool)
                XCTAssertEqual(r.status, 0, "\(command) \(flag): \(r.stderr)")
                XCTAssertTrue(r.stdout.hasPrefix("usage: \(tool) \(command)"), "\(command) \(flag): \(r.stdout)")
                XCTAssertEqual(r.stderr, "", "\(command) \(flag)")
            }
        }
        for (tool, arguments) in [(Self.developers, ["hpke", "seal", "--help"]), (Self.developers, ["hpke", "keypair", "-h"]),
                                  (Self.developers, ["vdaf", "run", "--help"]), (Self.users, ["help", "report"]),
                                  (Self.developers, ["help", "bench"])] {
            let r = try run(arguments, tool: tool)
            XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stdout.hasPrefix("usage: \(tool) \(arguments[0] == "help" ? arguments[1] : arguments[0])"), "\(arguments): \(r.stdout)")
        }
        for tool in [Self.users, Self.developers] {
            for flag in ["--version", "-V"] {
                let r = try run([flag], tool: tool)
                XCTAssertEqual(r.status, 0, flag)
                XCTAssertEqual(r.stdout, "\(tool) \(AnonymousSummaryVersion.string)\n", flag)
            }
        }
        // Each top-level help lists its own commands; the users' names the developers' tool and its commands.
        let top = try run(["--help"])
        XCTAssertEqual(top.status, 0)
        let devTop = try runDev(["--help"])
        XCTAssertEqual(devTop.status, 0)
        for (tool, command) in Self.everyCommand {
            XCTAssertEqual(top.stdout.contains("\n  \(command) "), tool == Self.users, "\(command) in \(top.stdout)")
            XCTAssertEqual(devTop.stdout.contains("\n  \(command) "), tool == Self.developers, "\(command) in \(devTop.stdout)")
        }
        XCTAssertTrue(top.stdout.contains("anonymous-summary-dev has the developers' commands (\(Self.developersCommands.joined(separator: ", ")))"),
                      top.stdout)
    }

    /// A developers' command typed to the users' tool is a usage error that says where it is, not an unknown command.
    func testADevelopersCommandInTheUsersToolSaysWhereItIs() throws {
        for command in Self.developersCommands {
            for arguments in [[command, "--help"], ["help", command]] {
                let r = try run(arguments)
                XCTAssertEqual(r.status, 64, "\(arguments)")
                XCTAssertEqual(r.stdout, "", "\(arguments)")
                XCTAssertTrue(r.stderr.hasPrefix("\(command) is a developers' command, in anonymous-summary-dev: swift run anonymous-summary-dev \(command) "),
                              "\(arguments): \(r.stderr)")
            }
        }
        let dev = try runDev(["summarise", "Examples/telemetry-docs.yaml"])
        XCTAssertEqual(dev.status, 64)
        XCTAssertTrue(dev.stderr.hasPrefix("unknown command 'summarise'"), dev.stderr)
    }

    func testOptionEqualsValueIsAcceptedEverywhere() throws {
        let input = payloads(0..<12, #"{"type":"input","name":"kafka"}"#)
        let spaced = try run(["report", "--release", "exact", "--format", "json", "-"], stdin: input)
        let joined = try run(["report", "--release=exact", "--format=json", "-"], stdin: input)
        XCTAssertEqual(joined.status, 0, joined.stderr)
        XCTAssertEqual(joined.stdout, spaced.stdout)
        let id = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
        let a = try run(["summarise", "--id", id, "--uptime", "3725", "-r", "Examples/resources.yaml", "Examples/telemetry-docs.yaml"])
        let b = try run(["summarise", "--id=\(id)", "--uptime=3725", "--resources=Examples/resources.yaml", "Examples/telemetry-docs.yaml"])
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertEqual(a.stdout, b.stdout)
        XCTAssertEqual(try run(["status", "--endpoint=https://collector.example/v1"]).stdout,
                       try run(["status", "--endpoint", "https://collector.example/v1"]).stdout)
        // A flag takes no value, and an empty value is a value.
        let flagged = try run(["summarise", "--streams=yes", "Examples/telemetry-docs.yaml"])
        XCTAssertEqual(flagged.status, 64)
        XCTAssertTrue(flagged.stderr.contains("--streams takes no value"), flagged.stderr)
        XCTAssertEqual(try run(["summarise", "--uptime=", "Examples/telemetry-docs.yaml"]).status, 64)
    }

    func testExitStatusesFollowSysexitsAndErrorsAreInWords() throws {
        let pair = try runDev(["hpke", "keypair"])
        XCTAssertEqual(pair.status, 0, pair.stderr)
        let keys = pair.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        XCTAssertEqual(keys.count, 2)
        let seal = ["hpke", "seal", "--aead", "aes128gcm", "--plaintext", "00"]
        // Values on the command line that cannot work: usage (64), in words, naming the option.
        for (key, why) in [("zz", "not hex"), (String(repeating: "ab", count: 31), "31 bytes"), (String(repeating: "00", count: 32), "a low-order point")] {
            let r = try runDev(seal + ["--public-key", key])
            XCTAssertEqual(r.status, 64, "\(why): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--public-key"), "\(why): \(r.stderr)")
            assertInWords(r.stderr, "hpke seal, \(why)")
        }
        XCTAssertEqual(try runDev(["hpke", "frobnicate"]).status, 64)
        XCTAssertEqual(try runDev(["vdaf", "frobnicate", "-"]).status, 64)
        // A ciphertext that does not open is data (65), said in words.
        let open = try runDev(["hpke", "open", "--aead", "chacha20poly1305", "--private-key", keys[0], "--enc", keys[1],
                            "--ciphertext", String(repeating: "00", count: 20)])
        XCTAssertEqual(open.status, 65, open.stderr)
        assertInWords(open.stderr, "hpke open")
        // A vector whose inputs do not fit the variant: data, in words.
        let vector = #"{"shares": 2, "length": 4, "max_weight": 2, "chunk_length": 2, "ctx": "", "verify_key": "00", "agg_param": "","#
            + #" "reports": [{"measurement": [true, false, false, false], "nonce": "00", "rand": "00"}]}"#
        let vdaf = try runDev(["vdaf", "run", "--vdaf", "Prio3MultihotCountVec", "-"], stdin: vector)
        XCTAssertEqual(vdaf.status, 65, vdaf.stderr)
        assertInWords(vdaf.stderr, "vdaf run")
        // A counts file that is not JSON: data, without Foundation's generic sentence.
        let counts = temporaryPath("not-json")
        defer { try? FileManager.default.removeItem(atPath: counts) }
        try "not json at all\n".write(toFile: counts, atomically: true, encoding: .utf8)
        let report = try run(["report", "--counts", counts])
        XCTAssertEqual(report.status, 65, report.stderr)
        XCTAssertTrue(report.stderr.hasPrefix(counts + ": not JSON"), report.stderr)
        assertInWords(report.stderr, "report --counts")
        // Missing input: 66.
        XCTAssertEqual(try run(["summarise", "--privacy", "ldp", "--secret-file", "no/such/secret", "Examples/telemetry-docs.yaml"]).status, 66)
        XCTAssertEqual(try run(["report", "--counts", "no/such/counts.json"]).status, 66)
        XCTAssertEqual(try run(["dap-counts", "--dap-task", "Examples/dap/task-dap-09.json", "no/such/result.json"]).status, 66)
        XCTAssertEqual(try run(["dap-counts", "--dap-task", "no/such/task.json", "Examples/dap/task-dap-09.json"]).status, 66)
    }

    func testValuesThatCannotWorkAreRefusedAtOnce() throws {
        let config = "Examples/telemetry-docs.yaml"
        let empty = temporaryPath("empty.jsonl")
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        for arguments in [["send", "--endpoint", "http://127.0.0.1:9/", "--timeout", "0s", config],
                          ["send", "--endpoint", "http://127.0.0.1:9/", "--timeout", "0", config],
                          ["send", "--endpoint", "http://127.0.0.1:9/", "--period", "0s", config],
                          ["bench", "--seconds", "soon", config],
                          ["bench", "--seconds", "0", config],
                          ["prio3-bench", "--seconds", "x"],
                          ["dp-simulate", "--releases", "0", empty],
                          ["dp-simulate", "--epsilon", "many", empty],
                          ["dp-simulate", "--max-plugins", "1", empty],
                          ["ldp-simulate", "--epsilon", "1", "--instances", "10", "--trials", "0"],
                          ["ldp-simulate", "--epsilon", "1", "--instances", "10", "--seed", "-3"]] {
            let r = try runBriefly(arguments, tool: arguments[0] == "send" ? Self.users : Self.developers)
            XCTAssertEqual(r.status, 64, "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(arguments)")
            assertInWords(r.stderr, "\(arguments)")
        }
    }

    func testPrivacyErrorsListTheValuesOfTheirCommand() throws {
        for (command, wrong, values) in [(["summarise", "Examples/telemetry-docs.yaml"], "prio3", "exact, ldp, dap"),
                                         (["send", "--endpoint", "http://127.0.0.1:9/", "Examples/telemetry-docs.yaml"], "prio3", "exact, ldp, dap"),
                                         (["status"], "prio3", "exact, ldp, dap")] {
            let r = try run(command + ["--privacy", wrong])
            XCTAssertEqual(r.status, 64, "\(command)")
            XCTAssertTrue(r.stderr.contains("--privacy: '\(wrong)' is not one of \(values)"), "\(command): \(r.stderr)")
        }
    }

    /// `status` names every way out this tool honours, and does not call a DAP Leader an endpoint.
    func testStatusNamesEveryOptOutAndTheDAPLeader() throws {
        let on = try run(["status", "--endpoint", "https://collector.example/v1"])
        XCTAssertEqual(on.status, 0)
        for optOut in ["--disable-telemetry", "ANONYMOUS_SUMMARY_TELEMETRY=off", "DO_NOT_TRACK=1"] {
            XCTAssertTrue(on.stdout.contains(optOut), "\(optOut): \(on.stdout)")
        }
        XCTAssertEqual(try run(["status", "--endpoint", "https://collector.example/v1"], environment: ["ANONYMOUS_SUMMARY_TELEMETRY": "off"]).stdout,
                       "telemetry is off (ANONYMOUS_SUMMARY_TELEMETRY opts out)\nprivacy mode: exact (plugin names and counts)\n")
        let dap = try run(["status", "--privacy", "dap", "--leader", "https://leader.example/", "--helper", "https://helper.example/",
                           "--task-id", String(repeating: "A", count: 43)])
        XCTAssertEqual(dap.status, 0, dap.stderr)
        XCTAssertFalse(dap.stdout.contains("endpoint"), dap.stdout)
        XCTAssertTrue(dap.stdout.hasPrefix("telemetry is on (a DAP task (Leader https://leader.example/, Helper https://helper.example/) is configured;"), dap.stdout)
        XCTAssertTrue(dap.stdout.contains("ANONYMOUS_SUMMARY_TELEMETRY=off"), dap.stdout)
    }

    /// The options each command's help shows, from its usage lines (up to the first blank line).
    func optionsInHelp(_ command: String, tool: String = CLITests.users) throws -> (usage: [String], options: Set<String>) {
        let r = try run([command, "--help"], tool: tool)
        XCTAssertEqual(r.status, 0, command)
        let block = String(r.stdout.components(separatedBy: "\n\n")[0])
        let lines = block.split(separator: "\n").map { $0.replacingOccurrences(of: "usage: ", with: "").trimmingCharacters(in: .whitespaces) }
        return (lines, Self.options(in: block))
    }

    static func options(in text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: #"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])"#)
        let range = NSRange(text.startIndex..., in: text)
        return Set(regex.matches(in: text, range: range).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } })
    }

    /// docs/library.md's synopsis of the tools names, for each command, every option its help shows.
    func testTheDocsSynopsisHasEveryOptionOfEveryCommand() throws {
        let docs = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("docs/library.md"), encoding: .utf8)
        let synopsis = try XCTUnwrap(docs.components(separatedBy: "# The command-line tool").last)
        for (tool, command) in Self.everyCommand {
            let help = try optionsInHelp(command, tool: tool)
            // The doc's lines for this command: from `anonymous-summary COMMAND` to the next synopsis or the block's end.
            var found = "", inside = false
            for line in synopsis.split(separator: "\n", omittingEmptySubsequences: false) {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.hasPrefix("anonymous-summary ") || text.hasPrefix("anonymous-summary-dev ") {
                    inside = text.hasPrefix("\(tool) \(command) ") || text == "\(tool) \(command)"
                }
                else if text.isEmpty || text.hasPrefix("```") { inside = false }
                if inside { found += text + "\n" }
            }
            XCTAssertFalse(found.isEmpty, "docs/library.md has no synopsis of \(command)")
            let missing = help.options.subtracting(Self.options(in: found)).subtracting(["-h", "--help"])
            XCTAssertEqual(missing, [], "\(command): in its help, not in docs/library.md's synopsis")
        }
    }

    /// `completion bash|zsh|fish` prints a script naming every users' command and every option,
    /// and no developers' command (they are not in this tool).
    func testCompletionScriptsNameEveryCommandAndOption() throws {
        var options: [String: Set<String>] = [:]
        for command in Self.usersCommands { options[command] = try optionsInHelp(command).options }
        for shell in ["bash", "zsh", "fish"] {
            let r = try run(["completion", shell])
            XCTAssertEqual(r.status, 0, "\(shell): \(r.stderr)")
            for command in Self.developersCommands {
                XCTAssertNil(r.stdout.range(of: #"(?<![\w-])"# + command + #"(?![\w-])"#, options: .regularExpression), "\(shell): \(command)")
            }
            for command in Self.usersCommands {
                XCTAssertTrue(r.stdout.contains(command), "\(shell): \(command)")
                for option in options[command] ?? [] {
                    let spelled = shell != "fish" ? option : option.hasPrefix("--") ? "-l \(option.dropFirst(2))" : "-s \(option.dropFirst())"
                    XCTAssertTrue(r.stdout.contains(spelled), "\(shell): \(command) \(option)")
                }
            }
        }
        XCTAssertEqual(try run(["completion", "tcsh"]).status, 64)
        // Syntax-check each script with its shell where the shell is installed.
        for (shell, path) in [("bash", "/bin/bash"), ("zsh", "/bin/zsh"), ("fish", "/usr/bin/fish")]
        where FileManager.default.isExecutableFile(atPath: path) {
            let script = temporaryPath("completion.\(shell)")
            defer { try? FileManager.default.removeItem(atPath: script) }
            try run(["completion", shell]).stdout.write(toFile: script, atomically: true, encoding: .utf8)
            let check = Process()
            check.executableURL = URL(fileURLWithPath: path)
            check.arguments = shell == "fish" ? ["--no-execute", script] : ["-n", script]
            let err = Pipe()
            check.standardError = err
            try check.run()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            check.waitUntilExit()
            XCTAssertEqual(check.terminationStatus, 0, "\(shell) -n: \(message)")
        }
    }
}

/// LDP secrets that can be guessed are refused (issue 23, item 5).
extension CLITests {
    /// Shapes `anonymous-summary secret` never writes: each refused (65) with the file's name.

    func testGuessableSecretFilesAreRefusedWithTheirName() throws {
        let path = temporaryPath("weak-secret")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (contents, shape) in GuessableSecrets.all {
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data((contents + "\n").utf8), attributes: [.posixPermissions: 0o600]))
            for command in [["summarise"], ["send", "--endpoint", "http://127.0.0.1:9/"]] {
                let r = try runBriefly(command + ["--privacy", "ldp", "--secret-file", path, "Examples/telemetry-docs.yaml"])
                XCTAssertEqual(r.status, 65, "\(shape), \(command[0]): \(r.stderr)")
                XCTAssertTrue(r.stderr.hasPrefix("\(path): "), "\(shape): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("anonymous-summary secret"), "\(shape): \(r.stderr)")
                XCTAssertEqual(r.stdout, "", shape)
            }
        }
        // What `secret` writes is taken, in any case and with white space around it.
        let made = try run(["secret"]).stdout
        for contents in [made, "  " + made.uppercased() + "\r\n"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600]))
            let r = try run(["summarise", "--privacy", "ldp", "--secret-file", path, "Examples/telemetry-docs.yaml"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
    }

    /// With a secret the id is derived from it: `--id` cannot also be honoured, and is refused.
    func testAnIdAndASecretFileTogetherAreRefused() throws {
        let path = temporaryPath("secret")
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(try run(["secret"]).stdout.utf8), attributes: [.posixPermissions: 0o600]))
        let r = try run(["summarise", "--privacy", "ldp", "--secret-file", path, "--id", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "Examples/telemetry-docs.yaml"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("--id") && r.stderr.contains("--secret-file"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }
}
