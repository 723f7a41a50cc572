import Foundation
import CommandLineSupport

/// `report --accepted FILE`: the lines the report accepted, byte for byte as read, each ended by
/// a `\n`, in the order read, so that a SQL engine (`schema/report.sql`) can be loaded with
/// exactly the payloads the report counted. Written beside FILE and renamed over it when the
/// report is done: a run that fails leaves no half-written file.
final class AcceptedLines {
    let path: String
    private let temporary: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var failure: Int32 = 0
    private(set) var count = 0

    /// Opens the temporary file beside `path`; refuses `-` and a path that names one of
    /// `inputs` (the output would replace what is being read).
    init(_ path: String, inputs: [String]) throws(CLIFailure) {
        guard path != "-" && !path.isEmpty else {
            throw CLIFailure(code: .usage, message: "--accepted needs a file name (standard output carries the report)")
        }
        var out = stat()
        if stat(path, &out) == 0 {
            guard (out.st_mode & S_IFMT) != S_IFDIR else {
                throw CLIFailure(code: .usage, message: "--accepted \(path): is a directory")
            }
            for input in inputs where input != "-" {
                var other = stat()
                if stat(input, &other) == 0 && other.st_dev == out.st_dev && other.st_ino == out.st_ino {
                    throw CLIFailure(code: .usage, message: "--accepted \(path): is also an input (it would be replaced by its accepted lines)")
                }
            }
        }
        self.path = path
        temporary = path + ".tmp-\(getpid())"
        fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw CLIFailure(code: .noInput, message: "--accepted \(path): cannot be written (errno \(errno))")
        }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        // Not finished (the report failed): nothing is left behind.
        if fd >= 0 {
            close(fd)
            unlink(temporary)
        }
    }

    /// One accepted line (without its `\n`).
    func append(_ line: UnsafeBufferPointer<UInt8>) {
        count += 1
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { flush() }
    }

    private func flush() {
        guard failure == 0 else { buffer.removeAll(keepingCapacity: true); return }
        var start = 0
        while start < buffer.count {
            let n = buffer.withUnsafeBytes { Foundation.write(fd, $0.baseAddress.map { $0 + start }, buffer.count - start) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            start += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is left and renames the file into place.
    func finish() throws(CLIFailure) {
        flush()
        let closed = close(fd)
        fd = -1
        guard failure == 0, closed == 0, rename(temporary, path) == 0 else {
            let code = failure != 0 ? failure : errno
            unlink(temporary)
            throw CLIFailure(code: .noInput, message: "--accepted \(path): cannot be written (errno \(code))")
        }
    }
}
