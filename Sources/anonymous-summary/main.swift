import AnonymousSummary
import TelemetryDAP
import LocalPrivacy
import DifferentialPrivacy
import Primitives
import Foundation

/// anonymous-summary: see exactly what the anonymous telemetry of a config would say. The
/// commands, their options and their help are described once, in `CommandTable`.
let arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.first ?? ""
let rest = Array(arguments.dropFirst())
do {
    switch command {
    case "parse": try ParseCommand.run(rest)
    case "summarise", "summarize": try SummariseCommand.run(rest)
    case "explain": try ExplainCommand.run(rest)
    case "schema":
        let parsed = try CLI.parse(rest, CommandTable.schema)
        if parsed.flags["--dap-layout"] != nil {
            guard parsed.flags["--ldp"] == nil else { throw CLIFailure(code: .usage, message: "--ldp and --dap-layout cannot go together") }
            print(DAPTelemetryLayout().json())
        } else {
            print(parsed.flags["--ldp"] != nil ? ComponentCatalog.benthos.ldpPayloadSchemaJSON() : ComponentCatalog.benthos.payloadSchemaJSON(),
                  terminator: "")
        }
    case "secret":
        _ = try CLI.parse(rest, CommandTable.secret)
        print(SecretCommand.newSecret())
    case "bench": try BenchCommand.run(rest)
    case "ldp-simulate": try LDPSimulateCommand.run(rest)
    case "dp-simulate": try DPSimulateCommand.run(rest)
    case "vdaf": try VDAFCommand.run(rest)
    case "prio3-bench": try Prio3BenchCommand.run(rest)
    case "hpke": try HPKECommand.run(rest)
    case "dap-counts": try DAPCountsCommand.run(rest)
    case "send": try SendCommand.run(rest)
    case "status": try StatusCommand.run(rest)
    case "report": try ReportCommand.run(rest)
    case "completion": try Completion.run(rest)
    case "help", "-h", "--help":
        let parsed = try CLI.parse(command == "help" ? rest : [], CommandTable.helpCommand)
        if let name = parsed.operands.first {
            guard parsed.operands.count == 1, let spec = CommandTable.command(named: name) else {
                throw CLIFailure(code: .usage, message: "help: '\(parsed.operands.joined(separator: " "))' is not a command\n" + CommandTable.topHelp)
            }
            print(spec.help, terminator: "")
        } else {
            print(CommandTable.topHelp)
        }
    case "--version", "-V", "version":
        print("anonymous-summary \(AnonymousSummaryVersion.string)")
    default:
        throw CLIFailure(code: .usage, message: command.isEmpty ? CommandTable.topHelp : "unknown command '\(command)'\n\(CommandTable.topHelp)")
    }
} catch let failure as CLIFailure {
    CLI.printError(failure.message)
    exit(failure.code.rawValue)
} catch {
    CLI.printError("\(error)")
    exit(ExitCode.software.rawValue)
}
