#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One executable's command line: its name, its table of commands, and what it does with the
/// words every tool takes (`help`, `--help`, `--version`) and with a command that belongs to the
/// other executable (said where it is, usage status).
package struct CommandLineTool {
    package var name: String
    /// One line under the usage in the top-level help.
    package var purpose: String
    package var version: String
    /// Every command, in the order the help lists them (`help` included).
    package var commands: [CommandSpec]
    /// The other executable's commands, which a user may type here: each is answered with where it is.
    package var elsewhere: (tool: String, commands: [String])?

    package init(name: String, purpose: String, version: String, commands: [CommandSpec],
                 elsewhere: (tool: String, commands: [String])? = nil) {
        self.name = name
        self.purpose = purpose
        self.version = version
        self.commands = commands
        self.elsewhere = elsewhere
    }

    package func command(named name: String) -> CommandSpec? {
        commands.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// The top-level help.
    package var topHelp: String {
        let width = commands.map(\.name.count).max() ?? 0
        let rows = commands.map { "  " + $0.name + String(repeating: " ", count: width - $0.name.count) + "  " + $0.summary }
        var out = """
            usage: \(name) COMMAND [OPTIONS] [ARGUMENTS]
                   \(name) --help | -h | --version | -V

            \(purpose)

            commands:
            \(rows.joined(separator: "\n"))

            """
        if let elsewhere {
            out += """

                \(elsewhere.tool) has the developers' commands (\(elsewhere.commands.joined(separator: ", "))):
                  swift run \(elsewhere.tool) help

                """
        }
        out += """

            COMMAND --help (or -h) prints a command's usage and options; --version (or -V) the package's version.
            Options take their value as the next argument or after =: --format json, --format=json.
            Exit status: 0 ok, 64 usage, 65 bad data (a config: FILE:LINE:COLUMN: message on standard error),
            66 missing input, 70 internal error.
            """
        return out
    }

    /// The usage error for a command of the other executable.
    func elsewhereFailure(_ command: String) -> CLIFailure? {
        guard let elsewhere, elsewhere.commands.contains(command) else { return nil }
        return CLIFailure(code: .usage, message: "\(command) is a developers' command, in \(elsewhere.tool): "
                          + "swift run \(elsewhere.tool) \(command) … (swift run \(elsewhere.tool) help lists them)")
    }

    /// Runs the command line `arguments` (without the executable's name) and exits: `help`,
    /// `--help`, `--version` and the other executable's commands here, every other command by
    /// `run(command, itsArguments)`, which returns false for a name that is not a command. A
    /// `CLIFailure` ends with its message and status, any other error with status 70.
    package func main(_ arguments: [String], run: (String, [String]) throws -> Bool) -> Never {
        let command = arguments.first ?? ""
        let rest = Array(arguments.dropFirst())
        do {
            switch command {
            case "help", "-h", "--help":
                let parsed = try CLI.parse(command == "help" ? rest : [], CommandSpec.help(of: name))
                if let topic = parsed.operands.first {
                    if parsed.operands.count == 1, let failure = elsewhereFailure(topic) { throw failure }
                    guard parsed.operands.count == 1, let spec = self.command(named: topic) else {
                        throw CLIFailure(code: .usage, message: "help: '\(parsed.operands.joined(separator: " "))' is not a command\n" + topHelp)
                    }
                    print(spec.help, terminator: "")
                } else {
                    print(topHelp)
                }
            case "--version", "-V", "version":
                print("\(name) \(version)")
            default:
                if let failure = elsewhereFailure(command) { throw failure }
                guard !command.isEmpty, try run(command, rest) else {
                    throw CLIFailure(code: .usage, message: command.isEmpty ? topHelp : "unknown command '\(command)'\n\(topHelp)")
                }
            }
        } catch let failure as CLIFailure {
            CLI.printError(failure.message)
            exit(failure.code.rawValue)
        } catch {
            CLI.printError("\(error)")
            exit(ExitCode.software.rawValue)
        }
        exit(ExitCode.ok.rawValue)
    }
}
