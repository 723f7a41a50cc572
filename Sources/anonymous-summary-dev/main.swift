import CommandLineSupport
import Foundation

/// anonymous-summary-dev: the developers' commands (measuring loops, outside checks), apart from
/// the users' tool. The commands, their options and their help are described once, in `CommandTable`.
CommandTable.tool.main(Array(CommandLine.arguments.dropFirst())) { command, rest in
    switch command {
    case "bench": try BenchCommand.run(rest)
    case "prio3-bench": try Prio3BenchCommand.run(rest)
    case "dp-simulate": try DPSimulateCommand.run(rest)
    case "ldp-simulate": try LDPSimulateCommand.run(rest)
    case "vdaf": try VDAFCommand.run(rest)
    case "hpke": try HPKECommand.run(rest)
    case "dap-harness": try DAPCommand.run(rest)
    default: return false
    }
    return true
}
