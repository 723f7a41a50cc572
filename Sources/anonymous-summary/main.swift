import AnonymousSummary
import Foundation

/// anonymous-summary: see exactly what the anonymous telemetry of a config would say.
let topUsage = """
    usage: anonymous-summary COMMAND [OPTIONS] ARGS
    commands:
      summarise [--id UUID] [--uptime S] [--privacy exact|ldp|prio3 [--epsilon E] [--secret-file F]] [--allow-empty] [-r RES]… CONFIG…
                                   print exactly the payload that would be sent
      explain [-r RES]… CONFIG…    show where each component was found (never sent)
      parse [--strings] FILE|-     print each YAML document as one line of JSON
      schema [--ldp]               print the JSON Schema of the payload (of the LDP payload)
      secret                       print a new random 256-bit secret (hex) for --secret-file
      send --endpoint URL [--initial-delay 5m] [--jitter 1h] [--period 24h] [--privacy exact|ldp|dap …] CONFIG…
                                   run the telemetry sender for a config until interrupted
      status [--disable-telemetry] [--endpoint URL]
                                   say whether telemetry would be on, and what decided
      report [--release dp|exact] [--format table|json|csv|svg|counts] [--with KIND/NAME]
             [--epsilon E] [--delta D] [--max-plugins C] [--budget-file F [--budget E]]
             [--min-instances K] [--accepted OUT] (FILE…|DIR|- | --counts FILE)
                                   plugin frequencies and pairings from collected payloads,
                                   differentially private unless --release exact
      vdaf run [--vdaf NAME] FILE|-  complete a Prio3 test vector (VDAF draft 20) from its inputs
      dap-counts FILE|-            a DAP collection's sums into the counts file report --counts releases
      hpke keypair|seal|open …     HPKE (RFC 9180) in hex, for outside checks
    COMMAND --help prints a command's usage; --version the package's version.
    Exit status: 0 ok, 64 usage, 65 bad config (FILE:LINE:COLUMN: message on standard error),
    66 missing file.
    """

let arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.first ?? ""
let rest = Array(arguments.dropFirst())
do {
    switch command {
    case "parse": try ParseCommand.run(rest)
    case "summarise", "summarize": try SummariseCommand.run(rest)
    case "explain": try ExplainCommand.run(rest)
    case "schema":
        let usage = "usage: anonymous-summary schema [--ldp]\n  Prints the JSON Schema of the payload (with --ldp, of the LDP mode's payload)."
        if rest.contains("--help") || rest.contains("-h") {
            print(usage)
        } else if rest == ["--ldp"] {
            print(ComponentCatalog.benthos.ldpPayloadSchemaJSON(), terminator: "")
        } else if rest.isEmpty {
            print(ComponentCatalog.benthos.payloadSchemaJSON(), terminator: "")
        } else {
            throw CLIFailure(code: .usage, message: usage)
        }
    case "secret":
        let usage = "usage: anonymous-summary secret\n  Prints a new random 256-bit secret, in hex, for --secret-file (keep it in the host's data directory)."
        if rest.contains("--help") || rest.contains("-h") {
            print(usage)
            break
        }
        guard rest.isEmpty else { throw CLIFailure(code: .usage, message: usage) }
        var generator = SystemRandomNumberGenerator()
        print((0..<4).map { _ in
            let hex = String(generator.next(), radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined())
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
    case "help", "-h", "--help":
        print(topUsage)
    case "--version", "version":
        print("anonymous-summary \(AnonymousSummaryVersion.string)")
    default:
        throw CLIFailure(code: .usage, message: command.isEmpty ? topUsage : "unknown command '\(command)'\n\(topUsage)")
    }
} catch let failure as CLIFailure {
    CLI.printError(failure.message)
    exit(failure.code.rawValue)
} catch {
    CLI.printError("\(error)")
    exit(ExitCode.software.rawValue)
}
