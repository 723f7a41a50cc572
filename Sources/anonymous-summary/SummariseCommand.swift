import AnonymousSummary
import LocalPrivacy
import DifferentialPrivacy
import Primitives
import Foundation
import VDAF
import DAP
import TelemetryDAP
import TelemetrySender
import CommandLineSupport

/// The configs named on a command line: main configs, resource files (`-r`), and folders of
/// stream configs (streams mode), as a host would read them.
enum ConfigArguments {
    /// `operands` are main configs (or, with `--streams`, stream configs); a folder among
    /// them is read as a streams-mode folder: every .yaml/.yml file under it is a stream.
    static func sources(operands: [String], flags: [String: [String]]) throws(CLIFailure) -> [ConfigSource] {
        var sources: [ConfigSource] = []
        let streams = flags["--streams"] != nil
        for path in operands {
            var isDirectory: ObjCBool = false
            if path != "-" && FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue {
                let files = try streamFiles(in: path)
                guard !files.isEmpty else {
                    throw CLIFailure(code: .noInput, message: "\(path): a directory with no .yaml or .yml config in it")
                }
                for file in files {
                    sources.append(ConfigSource(try CLI.readInput(file), role: .stream, name: file))
                }
            } else {
                sources.append(ConfigSource(try CLI.readInput(path), role: streams ? .stream : .main, name: CLI.displayName(path)))
            }
        }
        for path in (flags["-r"] ?? []) + (flags["--resources"] ?? []) {
            sources.append(ConfigSource(try CLI.readInput(path), role: .resources, name: CLI.displayName(path)))
        }
        return sources
    }

    /// What the configs named by `operands` and `flags` use, together; a bad config ends the
    /// command with its `FILE:LINE:COLUMN: message`.
    /// A config with no component at all is refused (65) unless `--allow-empty` asks for its
    /// empty payload: a payload of nothing is more likely a wrong file than a wish.
    static func usage(operands: [String], flags: [String: [String]]) throws(CLIFailure) -> ComponentUsage {
        let sources = try sources(operands: operands, flags: flags)
        let usage: ComponentUsage
        do {
            usage = try Summariser().usage(of: sources)
        } catch {
            throw CLIFailure(code: .dataError, message: error.description)
        }
        if usage.isEmpty && flags["--allow-empty"] == nil {
            let names = sources.map(\.name).prefix(3).joined(separator: ", ") + (sources.count > 3 ? ", …" : "")
            throw CLIFailure(code: .dataError, message: "\(names): no component found (no input, buffer, pipeline, output or resource "
                             + "of a known kind): nothing to report. --allow-empty makes the empty payload anyway")
        }
        return usage
    }

    /// The .yaml and .yml files under `folder`, sorted, as streams mode reads them.
    static func streamFiles(in folder: String) throws(CLIFailure) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else {
            throw CLIFailure(code: .noInput, message: "\(folder): cannot be read")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") {
                files.append((folder as NSString).appendingPathComponent(relative))
            }
        }
        return files.sorted()
    }
}

/// `--privacy exact|ldp|dap [--epsilon E] [--secret-file F] [DAP task options]`: one mode, one
/// name, one reading in summarise, send and status.
enum PrivacyArguments {
    static func mode(_ flags: [String: [String]]) throws(CLIFailure) -> TelemetryMode {
        // One rule in summarise, send and status: the LDP options need --privacy ldp, the task's
        // --privacy dap, said.
        let name = flags["--privacy"]?.last ?? "exact"
        if name != "ldp" {
            for option in ["--epsilon", "--secret-file"] where flags[option] != nil {
                throw CLIFailure(code: .usage, message: "\(option) goes with --privacy ldp (the default is exact)")
            }
        }
        if name != "dap" {
            for option in DAPArguments.valued where flags[option] != nil {
                throw CLIFailure(code: .usage, message: "\(option) goes with --privacy dap")
            }
        }
        switch name {
        case "exact":
            return .exact
        case "dap":
            return .secretShared(try DAPArguments.telemetry(flags))
        case "ldp":
            var epsilon = OptimizedUnaryEncoding.defaultEpsilon
            if let text = flags["--epsilon"]?.last {
                guard let value = Double(text), OptimizedUnaryEncoding(epsilon: value) != nil else {
                    throw CLIFailure(code: .usage, message: "--epsilon needs a number more than 0 and at most \(OptimizedUnaryEncoding.maxEpsilon) (the default is ln 3, \(OptimizedUnaryEncoding.defaultEpsilon))")
                }
                epsilon = value
            }
            var secret: LDPSecret?
            if let path = flags["--secret-file"]?.last {
                // The library's one reader of secret files: the same file, the same key, the
                // same refusal of a secret that could be guessed.
                let parsed: LDPSecret
                do {
                    parsed = try LDPSecret(secretFile: try CLI.readInput(path, limit: 4096))
                } catch let error as LDPSecretError {
                    throw CLIFailure(code: .dataError, message: "\(CLI.displayName(path)): \(error.description)")
                } catch let failure as CLIFailure {
                    throw failure
                } catch {
                    throw CLIFailure(code: .software, message: "\(CLI.displayName(path)): cannot be read")
                }
                var info = stat()
                if path != "-", stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
                    CLI.printError("warning: \(path) can be read by other users (mode \(String(info.st_mode & 0o777, radix: 8))): "
                                   + "whoever reads the secret can undo the randomization of these payloads; chmod 600 \(path)")
                }
                secret = parsed
            }
            return .ldp(epsilon: epsilon, secret: secret)
        default:
            // The parser has checked the value against the command's choices already.
            throw CLIFailure(code: .usage, message: "--privacy: '\(name)' is not one of exact, ldp, dap")
        }
    }
}

/// `anonymous-summary secret`: a new secret for `--secret-file`.
enum SecretCommand {
    /// 64 hex digits from the system CSPRNG, drawn again in the rare case (under 1.1e-13) the
    /// library's reader would refuse them as guessable: whatever this writes is taken.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            let hex = (0..<4).map { _ in
                let word = String(generator.next(), radix: 16)
                return String(repeating: "0", count: 16 - word.count) + word
            }.joined()
            if (try? LDPSecret(hex: hex)) != nil { return hex }
        }
    }
}

/// `anonymous-summary summarise`: prints exactly the payload that would be sent.
enum SummariseCommand {
    static var usage: String { CommandTable.summarise.help }

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let parsed = try CLI.parse(arguments, CommandTable.summarise)
        let (flags, operands) = (parsed.flags, parsed.operands)
        guard !operands.isEmpty || flags["-r"] != nil || flags["--resources"] != nil else {
            throw CLIFailure(code: .usage, message: usage)
        }
        if flags["--id"] != nil && flags["--secret-file"] != nil {
            throw CLIFailure(code: .usage, message: "--id and --secret-file cannot go together: with a secret the id is derived from it "
                             + "(the same every run); without one, --id makes the payload reproducible")
        }
        let privacy = try PrivacyArguments.mode(flags)
        var id = InstanceID.random()
        if case .ldp(_, let secret?) = privacy { id = secret.instanceID }  // one id per deployment
        if let text = flags["--id"]?.last {
            guard let parsed = InstanceID(parsing: text) else {
                throw CLIFailure(code: .usage, message: "--id needs a version-4 UUID, like 3b2e1c4d-5f6a-4b7c-8d9e-0f1a2b3c4d5e")
            }
            id = parsed
        }
        var uptime: UInt64 = 0
        if let text = flags["--uptime"]?.last {
            guard let value = Int64(text), value >= 0, value < 1 << 53 else {
                throw CLIFailure(code: .usage, message: "--uptime needs whole seconds, from 0 to 2^53 − 1")
            }
            uptime = TelemetrySchedule.reportedUptime(seconds: value)  // whole hours, as sent
        }
        let usage = try ConfigArguments.usage(operands: operands, flags: flags)
        var ldpReport: LDPReport?
        if let mechanism = privacy.mechanism, case .ldp(_, let secret) = privacy {
            ldpReport = LDPReport(usage: usage, mechanism: mechanism, secret: secret)
        }
        // The sender's own function: what a send of this mode sends (debug mode writes the same).
        let input = TelemetryInput(usage: usage, id: id, uptimeSeconds: uptime, unixTime: Int64(Date().timeIntervalSince1970))
        do {
            print(String(decoding: try privacy.bytes(for: input, ldpReport: ldpReport), as: UTF8.self))
        } catch {
            throw CLIFailure(code: .software, message: "\(error)")
        }
        CLI.printError("privacy mode: \(privacy.description)")
    }
}

/// `anonymous-summary explain`: where each component was found, for the user's eyes only.
enum ExplainCommand {
    static var usage: String { CommandTable.explain.help }

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let parsed = try CLI.parse(arguments, CommandTable.explain)
        let (flags, operands) = (parsed.flags, parsed.operands)
        guard !operands.isEmpty || flags["-r"] != nil || flags["--resources"] != nil else {
            throw CLIFailure(code: .usage, message: usage)
        }
        let sources = try ConfigArguments.sources(operands: operands, flags: flags)
        let findings: [ComponentFinding]
        do {
            findings = try Summariser().explain(sources)
        } catch {
            throw CLIFailure(code: .dataError, message: error.description)
        }
        var rows: [[String]] = [["WHERE", "PATH", "KIND", "COUNTED AS"]]
        for f in findings {
            let outcome: String
            switch f.outcome {
            case .counted(let plugin): outcome = plugin.name
            case .unlisted: outcome = "unlisted (not in the catalogue)"
            case .malformed(let reason): outcome = "malformed (\(reason.rawValue))"
            }
            rows.append(["\(sources[f.source].name):\(f.mark.line):\(f.mark.column)", f.path, f.kind.rawValue, outcome])
        }
        let widths = (0..<4).map { c in rows.map { $0[c].count }.max() ?? 0 }
        for row in rows {
            print((0..<4).map { c in c == 3 ? row[c] : row[c].padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  "))
        }
        if findings.isEmpty { print("(no components found)") }
    }
}
