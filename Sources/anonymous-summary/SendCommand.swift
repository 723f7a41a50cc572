import AnonymousSummary
import LocalPrivacy
import DifferentialPrivacy
import Primitives
import Dispatch
import Foundation
import TelemetrySender
import TelemetryOHTTP
import VDAF
import DAP
import TelemetryDAP
import CommandLineSupport

/// The tool's own telemetry settings, as a host would declare them. The tool has no endpoint
/// of its own: `send` takes one on the command line.
enum ToolTelemetry {
    static let hostVariable = "ANONYMOUS_SUMMARY_TELEMETRY"
    static let debugVariable = "ANONYMOUS_SUMMARY_TELEMETRY_DEBUG"
    static let userAgent = "anonymous-summary/\(AnonymousSummaryVersion.string)"

    /// `300ms`, `90s`, `5m`, `24h`, `2d`, or a number of seconds.
    static func duration(_ text: String, flag: String) throws(CLIFailure) -> Duration {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let n = Double(text.dropLast(suffix.count)), n >= 0, n.isFinite, n * scale < 1e12 {
                return .milliseconds(Int64((n * scale * 1000).rounded()))
            }
        }
        if let n = Double(text), n >= 0, n.isFinite, n < 1e12 { return .milliseconds(Int64((n * 1000).rounded())) }
        throw CLIFailure(code: .usage, message: "\(flag): '\(text)' is not a duration (like 300ms, 90s, 5m, 24h)")
    }

    static func configuration(endpoint: String?, flags: [String: [String]], mode: TelemetryMode = .exact) throws(CLIFailure) -> TelemetryConfiguration {
        var url: URL?
        if let endpoint {
            guard let parsed = URL(string: endpoint), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
                throw CLIFailure(code: .usage, message: "--endpoint: '\(endpoint)' is not an https URL")
            }
            url = parsed
        }
        var configuration: TelemetryConfiguration
        do {
            configuration = try TelemetryConfiguration(endpoint: url, userAgent: userAgent, hostVariable: hostVariable,
                                                       debugVariable: debugVariable, mode: mode)
        } catch {
            throw CLIFailure(code: .usage, message: "--endpoint: \(error)")
        }
        if let text = flags["--initial-delay"]?.last { configuration.initialDelay = try duration(text, flag: "--initial-delay") }
        if let text = flags["--period"]?.last {
            configuration.period = try duration(text, flag: "--period")
            guard configuration.period > .zero else { throw CLIFailure(code: .usage, message: "--period must be more than 0") }
        }
        if let text = flags["--timeout"]?.last {
            configuration.requestTimeout = try duration(text, flag: "--timeout")
            // A request that may take no time at all can only time out.
            guard configuration.requestTimeout > .zero else { throw CLIFailure(code: .usage, message: "--timeout must be more than 0") }
        }
        if let text = flags["--jitter"]?.last {
            let jitter = try duration(text, flag: "--jitter")
            configuration.initialJitter = jitter
            configuration.periodJitter = jitter
        }
        return configuration
    }
}

/// `anonymous-summary send --endpoint URL [--initial-delay 5m] [--period 24h] CONFIG…`:
/// runs the sender for a config as a host would, until interrupted.
enum SendCommand {
    static var usage: String { CommandTable.send.help }

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let parsed = try CLI.parse(arguments, CommandTable.send)
        let (flags, operands) = (parsed.flags, parsed.operands)
        guard !operands.isEmpty else { throw CLIFailure(code: .usage, message: usage) }
        var configuration = try ToolTelemetry.configuration(endpoint: flags["--endpoint"]?.last, flags: flags,
                                                            mode: try PrivacyArguments.mode(flags))
        configuration.sendsEmptyPayloads = flags["--allow-empty"] != nil
        let usage = try ConfigArguments.usage(operands: operands, flags: flags)
        let status = TelemetryStatus.decide(arguments: arguments, environment: ProcessInfo.processInfo.environment,
                                            configuration: configuration)
        CLI.printError(status.description)
        CLI.printError("privacy mode: " + configuration.mode.description)
        if case .ldp(let epsilon, nil) = configuration.mode, status.isEnabled {
            CLI.printError("telemetry: without --secret-file each process draws afresh: whoever links k restarts of this host "
                           + "(by address or timing) holds k independent draws, and the plugin-level ε = \(epsilon) adds up to k·ε")
        }
        guard status.isEnabled else { exit(ExitCode.ok.rawValue) }
        let relay = try OHTTPArguments.transport(flags, configuration)
        if relay == nil {
            CLI.printError("telemetry: no relay: " + OHTTPArguments.whoSeesTheAddress(configuration.mode))
        }
        var makeTransport: (@Sendable () -> any TelemetryTransport)?
        if let relay {
            let box = TransportBox(relay)
            makeTransport = { box.transport }
        }
        let sender = TelemetrySender(configuration: configuration, status: status, usage: usage, clock: ContinuousClock(),
                                     transport: makeTransport, log: { (line: String) in CLI.printError(line) })
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let signalSources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: .main) }
        for source in signalSources {
            source.setEventHandler {
                Task {
                    await sender.stop()
                    CLI.printError("telemetry: stopped")
                    exit(ExitCode.ok.rawValue)
                }
            }
            source.resume()
        }
        Task { await sender.start() }
        withExtendedLifetime(signalSources) { dispatchMain() }
    }
}

/// `anonymous-summary status [--disable-telemetry] [--endpoint URL]`: whether telemetry would
/// be on, and which source decided.
enum StatusCommand {
    static var usage: String { CommandTable.status.help }

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let parsed = try CLI.parse(arguments, CommandTable.status)
        let (flags, operands) = (parsed.flags, parsed.operands)
        guard operands.isEmpty else { throw CLIFailure(code: .usage, message: usage) }
        let configuration = try ToolTelemetry.configuration(endpoint: flags["--endpoint"]?.last, flags: [:],
                                                            mode: try PrivacyArguments.mode(flags))
        let status = TelemetryStatus.decide(arguments: arguments, environment: ProcessInfo.processInfo.environment,
                                            configuration: configuration)
        print(status.description)
        print("privacy mode: " + configuration.mode.description)
        if status.isEnabled {
            if case .secretShared(let mode) = configuration.mode, let dap = mode as? DAPTelemetry, let ohttp = dap.task.ohttp {
                print("addresses: through the relay \(ohttp.relay.absoluteString): only the relay sees this host's address")
            } else {
                print("addresses: no relay: " + OHTTPArguments.whoSeesTheAddress(configuration.mode))
            }
        }
    }
}

/// A transport made once, handed to the sender.
final class TransportBox: @unchecked Sendable {
    let transport: any TelemetryTransport
    init(_ transport: any TelemetryTransport) { self.transport = transport }
}

/// `--ohttp-relay URL --ohttp-keys FILE|URL` (or the task file's `"ohttp"`): every request through
/// an Oblivious HTTP relay.
enum OHTTPArguments {
    static func transport(_ flags: [String: [String]], _ configuration: TelemetryConfiguration) throws(CLIFailure) -> (any TelemetryTransport)? {
        var relayText = flags["--ohttp-relay"]?.last, keysText = flags["--ohttp-keys"]?.last
        if relayText == nil, case .secretShared(let mode) = configuration.mode, let dap = mode as? DAPTelemetry, let ohttp = dap.task.ohttp {
            relayText = ohttp.relay.absoluteString
            keysText = ohttp.keys
        }
        guard let relayText else {
            if keysText != nil { throw CLIFailure(code: .usage, message: "--ohttp-keys goes with --ohttp-relay") }
            return nil
        }
        guard let relay = URL(string: relayText), (try? TelemetryConfiguration.check(relay)) != nil else {
            throw CLIFailure(code: .usage, message: "--ohttp-relay: '\(relayText)' is not an https URL")
        }
        guard let keysText else { throw CLIFailure(code: .usage, message: "--ohttp-relay needs --ohttp-keys FILE|URL (the gateway's key configuration)") }
        let keys: ObliviousRelayTransport.Keys
        if keysText.hasPrefix("https://") || keysText.hasPrefix("http://") {
            guard let url = URL(string: keysText), (try? TelemetryConfiguration.check(url)) != nil else {
                throw CLIFailure(code: .usage, message: "--ohttp-keys: '\(keysText)' is not an https URL")
            }
            keys = .fetched(url)
        } else if let pinned = Base64URL.decode(keysText), !pinned.isEmpty, !keysText.contains("/"), !keysText.contains(".") {
            keys = .pinned(pinned)
        } else {
            keys = .pinned(try CLI.readInput(keysText, limit: 65_536))
        }
        do {
            return try ObliviousRelayTransport(relay: relay, keys: keys,
                                               transport: URLSessionTransport(userAgent: ToolTelemetry.userAgent, timeout: configuration.requestTimeout))
        } catch {
            throw CLIFailure(code: .dataError, message: "--ohttp-keys: not an application/ohttp-keys key configuration (\(error))")
        }
    }

    /// Who sees this host's address when no relay is set.
    static func whoSeesTheAddress(_ mode: TelemetryMode) -> String {
        if case .secretShared(let shared) = mode, let dap = shared as? DAPTelemetry {
            return "the Leader sees this host's address and the time of each upload"
                + (dap.task.pinnedHelperConfigs == nil ? "; the Helper sees it at each configuration fetch (at most once a day)" : "")
        }
        return "the collector sees this host's address and the time of each payload"
    }
}

/// `--privacy dap --dap-task FILE`, or the shorthand `--leader URL --helper URL --task-id ID
/// [--time-precision S] [--min-batch-size N]` for a DAP-18 task with the telemetry's VDAF.
enum DAPArguments {
    /// The options that go with `--privacy dap` only.
    static let valued: Set<String> = Set(CommandTable.dap.map(\.name))

    static func telemetry(_ flags: [String: [String]]) throws(CLIFailure) -> DAPTelemetry {
        let task = try task(flags)
        do {
            return try DAPTelemetry(task: task)
        } catch {
            throw CLIFailure(code: .dataError, message: (flags["--dap-task"]?.last.map { "\(CLI.displayName($0)): " } ?? "") + error.message)
        }
    }

    static func task(_ flags: [String: [String]]) throws(CLIFailure) -> DAPTask {
        if let path = flags["--dap-task"]?.last {
            for option in ["--leader", "--helper", "--task-id", "--time-precision", "--min-batch-size"] where flags[option] != nil {
                throw CLIFailure(code: .usage, message: "\(option) and --dap-task cannot go together: the task file says it")
            }
            do {
                return try DAPTask(file: try CLI.readInput(path, limit: 1 << 20), name: CLI.displayName(path))
            } catch let error as DAPTaskFileError {
                throw CLIFailure(code: .dataError, message: error.description)
            } catch let failure as CLIFailure {
                throw failure
            } catch {
                throw CLIFailure(code: .noInput, message: "\(CLI.displayName(path)): cannot be read")
            }
        }
        guard let leaderText = flags["--leader"]?.last, let helperText = flags["--helper"]?.last, let idText = flags["--task-id"]?.last else {
            throw CLIFailure(code: .usage, message: "--privacy dap needs --dap-task FILE (or --leader URL, --helper URL and --task-id ID)")
        }
        guard let leader = URL(string: leaderText), (try? TelemetryConfiguration.check(leader)) != nil else {
            throw CLIFailure(code: .usage, message: "--leader: '\(leaderText)' is not an https URL")
        }
        guard let helper = URL(string: helperText), (try? TelemetryConfiguration.check(helper)) != nil else {
            throw CLIFailure(code: .usage, message: "--helper: '\(helperText)' is not an https URL")
        }
        guard leader.host?.lowercased() != helper.host?.lowercased() || leader.port != helper.port else {
            throw CLIFailure(code: .usage, message: "--leader and --helper are one server: DAP's promise needs two aggregators that do not collude")
        }
        guard let id = DAPTaskID(base64URL: idText) else {
            throw CLIFailure(code: .usage, message: "--task-id: '\(idText)' is not a 32-byte id in URL-safe base64")
        }
        let precision = UInt64(flags["--time-precision"]?.last ?? "86400") ?? 0
        let minBatch = UInt64(flags["--min-batch-size"]?.last ?? "100") ?? 0
        guard precision > 0, minBatch > 0 else {
            throw CLIFailure(code: .usage, message: "--time-precision and --min-batch-size need whole numbers above 0")
        }
        let layout = DAPTelemetryLayout()
        return DAPTask(profile: .dap18, id: id, leader: leader, helper: helper,
                       vdaf: .init(type: "Prio3SumVec", length: layout.length, maxMeasurement: 1, chunkLength: TelemetryMeasurement.defaultChunkLength),
                       timePrecision: precision, minBatchSize: minBatch)
    }
}
