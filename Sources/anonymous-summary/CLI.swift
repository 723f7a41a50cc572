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

    /// The bytes of `path`, or of standard input for `-`, read only up to `limit` bytes: a file
    /// over the limit is refused from its size, unread, and standard input after `limit` + 1
    /// bytes, so refusing a huge input costs no memory (`FILE:1:1: …`, exit 65).
    static func readInput(_ path: String, limit: Int = YAMLLimits.default.maxInputBytes) throws(CLIFailure) -> [UInt8] {
        func tooLarge(_ size: String, unread: Bool = true) -> CLIFailure {
            CLIFailure(code: .dataError, message: "\(displayName(path)):1:1: input is \(size) bytes, more than the limit of \(limit)"
                       + (unread ? " (refused unread)" : " (reading stopped there)"))
        }
        let fd: Int32
        if path == "-" {
            fd = STDIN_FILENO
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CLIFailure(code: .noInput, message: "\(path): no such file")
            }
            guard !isDirectory.boolValue else {
                throw CLIFailure(code: .noInput, message: "\(path): is a directory")
            }
            if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue > limit {
                throw tooLarge(String(size.intValue))
            }
            fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw CLIFailure(code: .noInput, message: "\(path): cannot be read") }
        }
        defer { if fd != STDIN_FILENO { close(fd) } }
        // Standard input redirected from a file has a size too.
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) > limit {
            throw tooLarge(String(info.st_size))
        }
        // A file may grow between the size check and the read, and standard input has no size:
        // read at most limit + 1 bytes either way.
        var bytes: [UInt8] = []
        let chunk = 1 << 20
        while true {
            let room = min(chunk, limit + 1 - bytes.count)
            if room <= 0 { throw tooLarge("over \(limit)", unread: false) }
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: room))
            let n = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress.map { $0 + start }, room) }
            if n < 0 {
                if errno == EINTR { bytes.removeLast(room); continue }
                throw CLIFailure(code: .noInput, message: "\(displayName(path)): cannot be read (errno \(errno))")
            }
            bytes.removeLast(room - n)
            if n == 0 { break }
        }
        if bytes.count > limit { throw tooLarge("over \(limit)", unread: false) }
        return bytes
    }

    /// Bytes as lowercase hex, two digits each.
    static func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

    /// "1 line", "2 lines".
    static func plural(_ n: Int, _ noun: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? noun : plural ?? noun + "s")
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
