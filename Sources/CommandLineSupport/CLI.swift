import AnonymousSummary
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exit codes, as in BSD's sysexits.h, so scripts can tell a bad config from a bad call.
package enum ExitCode: Int32 {
    case ok = 0
    case usage = 64
    case dataError = 65
    case noInput = 66
    case software = 70
}

/// A failure that ends the command with a message on standard error.
package struct CLIFailure: Error {
    package var code: ExitCode
    package var message: String

    package init(code: ExitCode, message: String) {
        self.code = code
        self.message = message
    }
}

package enum CLI {
    package static func printError(_ message: String) {
        let bytes = Array((message + "\n").utf8)
        let count = bytes.count
        var written = 0
        while written < count {
            let n = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress.map { $0 + written }, count - written) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            written += n
        }
    }

    /// The bytes of `path`, or of standard input for `-`, read only up to `limit` bytes: a file
    /// over the limit is refused from its size, unread, and standard input after `limit` + 1
    /// bytes, so refusing a huge input costs no memory (`FILE:1:1: …`, exit 65).
    package static func readInput(_ path: String, limit: Int = YAMLLimits.default.maxInputBytes) throws(CLIFailure) -> [UInt8] {
        func tooLarge(_ size: String, unread: Bool = true) -> CLIFailure {
            CLIFailure(code: .dataError, message: "\(displayName(path)):1:1: input is \(size) bytes, more than the limit of \(limit)"
                       + (unread ? " (refused unread)" : " (reading stopped there)"))
        }
        let fd: Int32
        if path == "-" {
            fd = STDIN_FILENO
        } else {
            var entry = stat()
            guard stat(path, &entry) == 0 else {
                throw CLIFailure(code: .noInput, message: "\(path): no such file")
            }
            guard (entry.st_mode & S_IFMT) != S_IFDIR else {
                throw CLIFailure(code: .noInput, message: "\(path): is a directory")
            }
            if (entry.st_mode & S_IFMT) == S_IFREG, Int(entry.st_size) > limit {
                throw tooLarge(String(entry.st_size))
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
            let n = bytes.withUnsafeMutableBytes { readFD(fd, $0.baseAddress.map { $0 + start }, room) }
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

    /// Reads `path` (standard input for `-`) a megabyte at a time, giving each piece to `body`:
    /// a file of any size in constant memory.
    package static func readChunks(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(CLIFailure) {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard fd >= 0 else { throw CLIFailure(code: .noInput, message: "\(path): cannot be read") }
        defer { if fd != STDIN_FILENO { close(fd) } }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = readFD(fd, buffer.baseAddress, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIFailure(code: .noInput, message: "\(displayName(path)): read failed (errno \(errno))")
            }
            if n == 0 { return }
            body(UnsafeBufferPointer(start: buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), count: n))
        }
    }

    /// `text` as bytes, two hex digits each (either case); nil if it is not hex.
    package static func bytes(hex text: String) -> [UInt8]? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let hi = nibble(digits[i]), let lo = nibble(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Bytes as lowercase hex, two digits each.
    package static func hex(_ b: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(2 * b.count)
        for byte in b { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// "1 line", "2 lines".
    package static func plural(_ n: Int, _ noun: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? noun : plural ?? noun + "s")
    }

    /// The name to show for an input in messages.
    package static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }

    /// What a command line says: the verb (for commands that have them, `hpke seal`), the options
    /// given (by the name typed, each value in order; a flag's value is ""), the operands.
    package struct Arguments {
        package var verb: String?
        package var flags: [String: [String]]
        package var operands: [String]
    }

    /// Reads `arguments` (those after the command's name) against `command`'s description in
    /// `CommandTable`, the one list of what each form accepts. `--help` or `-h` (before `--`)
    /// prints the command's help on standard output and exits 0. Options take their value as the
    /// next argument or after `=` (`--format=json`); a flag given a value, an unknown option or
    /// verb, a value missing or outside the option's choices, an operand to a form that takes
    /// none, or a required option missing ends the command with a usage error (64) that says which.
    package static func parse(_ arguments: [String], _ command: CommandSpec) throws(CLIFailure) -> Arguments {
        for arg in arguments {
            if arg == "--" { break }
            if arg == "--help" || arg == "-h" {
                print(command.help, terminator: "")
                exit(ExitCode.ok.rawValue)
            }
        }
        func usageError(_ message: String) -> CLIFailure {
            CLIFailure(code: .usage, message: message + "\n" + command.help)
        }
        var rest = arguments[...]
        var form = command.forms[0]
        var verb: String?
        if command.hasVerbs {
            guard let word = rest.first else {
                throw usageError("\(command.name) needs one of: \(command.forms.compactMap(\.verb).joined(separator: ", "))")
            }
            guard let found = command.forms.first(where: { $0.verb == word }) else {
                throw usageError("\(command.name): '\(word)' is not one of \(command.forms.compactMap(\.verb).joined(separator: ", "))")
            }
            form = found
            verb = word
            rest = rest.dropFirst()
        }
        var found: [String: [String]] = [:]
        var operands: [String] = []
        var onlyOperands = false
        while let arg = rest.first {
            rest = rest.dropFirst()
            if onlyOperands || arg == "-" || !arg.hasPrefix("-") {
                operands.append(arg)
                continue
            }
            if arg == "--" {
                onlyOperands = true
                continue
            }
            var name = arg, attached: String?
            if arg.hasPrefix("--"), let equals = arg.firstIndex(of: "=") {
                name = String(arg[..<equals])
                attached = String(arg[arg.index(after: equals)...])
            }
            guard let option = form.option(named: name) else {
                throw usageError("unknown option \(name)")
            }
            guard option.takesValue else {
                if attached != nil { throw usageError("\(name) takes no value") }
                found[name, default: []].append("")
                continue
            }
            let value: String
            if let attached {
                value = attached
            } else {
                guard let next = rest.first else { throw usageError("\(name) needs a value (\(option.value ?? ""))") }
                value = next
                rest = rest.dropFirst()
            }
            if !option.choices.isEmpty && !option.choices.contains(value) {
                throw CLIFailure(code: .usage, message: "\(name): '\(value)' is not one of \(option.choices.joined(separator: ", "))")
            }
            found[name, default: []].append(value)
        }
        if form.operands.text.isEmpty && !operands.isEmpty {
            throw usageError("\(command.name)\(verb.map { " " + $0 } ?? "") takes no operand ('\(operands[0])')")
        }
        for option in form.options where option.required && !option.names.contains(where: { found[$0] != nil }) {
            throw usageError("\(command.name)\(verb.map { " " + $0 } ?? "") needs \(option.name) \(option.value ?? "")")
        }
        return Arguments(verb: verb, flags: found, operands: operands)
    }

    /// A number option's value, checked: `fallback` when the option is absent; a usage error
    /// naming the option and `rule` when the value is not a number that `valid` takes.
    package static func number<T: LosslessStringConvertible>(_ flags: [String: [String]], _ name: String, _ fallback: T, _ rule: String,
                                                      _ valid: (T) -> Bool = { _ in true }) throws(CLIFailure) -> T {
        guard let text = flags[name]?.last else { return fallback }
        guard let value = T(text), valid(value) else {
            throw CLIFailure(code: .usage, message: "\(name) needs \(rule) (got '\(text)')")
        }
        return value
    }
}

/// read(2), named apart from the standard library's own read functions.
@inline(__always) func readFD(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
