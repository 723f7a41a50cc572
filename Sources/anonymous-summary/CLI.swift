import AnonymousSummary
import Foundation

/// Exit codes, as in BSD's sysexits.h, so scripts can tell a bad config from a bad call.
enum ExitCode: Int32 {
    case ok = 0
    case usage = 64
    case dataError = 65
    case noInput = 66
    case software = 70
}

/// A failure that ends the command with a message on standard error.
struct CLIFailure: Error {
    var code: ExitCode
    var message: String
}

enum CLI {
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// The bytes of `path`, or of standard input for `-`.
    static func readInput(_ path: String) throws(CLIFailure) -> [UInt8] {
        if path == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIFailure(code: .noInput, message: "\(path): no such file")
        }
        guard !isDirectory.boolValue else {
            throw CLIFailure(code: .noInput, message: "\(path): is a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure(code: .noInput, message: "\(path): cannot be read")
        }
        return Array(data)
    }

    /// The name to show for an input in messages.
    static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }

    /// Splits `arguments` into flags (with their values, for those in `valued`) and operands.
    /// `--help` or `-h` prints `usage` on standard output and exits 0; an unknown option ends the
    /// command with `usage` (64).
    static func split(_ arguments: [String], flags: Set<String>, valued: Set<String>, usage: String) throws(CLIFailure)
        -> (flags: [String: [String]], operands: [String])
    {
        for arg in arguments {
            if arg == "--" { break }
            if arg == "--help" || arg == "-h" {
                print(usage)
                exit(ExitCode.ok.rawValue)
            }
        }
        var found: [String: [String]] = [:]
        var operands: [String] = []
        var i = 0
        var onlyOperands = false
        while i < arguments.count {
            let arg = arguments[i]
            if onlyOperands || arg == "-" || !arg.hasPrefix("-") {
                operands.append(arg)
            } else if arg == "--" {
                onlyOperands = true
            } else if valued.contains(arg) {
                guard i + 1 < arguments.count else {
                    throw CLIFailure(code: .usage, message: "\(arg) needs a value\n\(usage)")
                }
                found[arg, default: []].append(arguments[i + 1])
                i += 1
            } else if flags.contains(arg) {
                found[arg, default: []].append("")
            } else {
                throw CLIFailure(code: .usage, message: "unknown option \(arg)\n\(usage)")
            }
            i += 1
        }
        return (found, operands)
    }
}
