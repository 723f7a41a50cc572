import AnonymousSummary
import CommandLineSupport
import Foundation
import LocalPrivacy
import TelemetryDAP

/// anonymous-summary: see exactly what the anonymous telemetry of a config would say. The
/// commands, their options and their help are described once, in `CommandTable`; the developers'
/// commands are in anonymous-summary-dev.
CommandTable.tool.main(Array(CommandLine.arguments.dropFirst())) { command, rest in
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
    case "dap-counts": try DAPCountsCommand.run(rest)
    case "send": try SendCommand.run(rest)
    case "status": try StatusCommand.run(rest)
    case "report": try ReportCommand.run(rest)
    case "completion": try Completion.run(rest)
    default: return false
    }
    return true
}
