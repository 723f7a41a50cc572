import AnonymousSummary
import Foundation
import UsageReport

/// `anonymous-summary report`: collected payloads into plugin frequencies and pairings.
enum ReportCommand {
    static let usage = """
        usage: anonymous-summary report [--min-instances K] [--format table|json|csv|svg] [--with KIND/NAME] FILE…|DIR|-
          Reads payloads as a collector stores them (one JSON payload a line; a DIR means its
          *.jsonl files; - is standard input) and reports, over instances (payloads grouped by
          id, the greatest uptime standing): how many instances, their uptimes, how many use each
          plugin, and which plugins go together (confidence and lift). --with output/aws_s3 shows
          what goes with that plugin. No figure resting on fewer than K instances (default 10)
          is shown. Lines that are not exactly the published payload shape are counted by
          reason and never shown.
        """

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let (flags, operands) = try CLI.split(arguments, flags: [], valued: ["--min-instances", "--format", "--with"], usage: usage)
        guard !operands.isEmpty else { throw CLIFailure(code: .usage, message: usage) }
        var minInstances = UsageReport.defaultMinInstances
        if let text = flags["--min-instances"]?.last {
            guard let k = Int(text), k >= 1 else {
                throw CLIFailure(code: .usage, message: "--min-instances needs a whole number of at least 1")
            }
            minInstances = k
        }
        let format = flags["--format"]?.last ?? "table"
        guard ["table", "json", "csv", "svg"].contains(format) else {
            throw CLIFailure(code: .usage, message: "--format: '\(format)' is not one of table, json, csv, svg")
        }
        let index = CatalogIndex()
        var focus: PluginName?
        if let text = flags["--with"]?.last {
            let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = ComponentKind(rawValue: parts[0]),
                  let plugin = index.catalog.plugin(named: parts[1], kind: kind) else {
                throw CLIFailure(code: .usage, message: "--with: '\(text)' is not KIND/NAME of a catalogue plugin (like output/aws_s3)")
            }
            focus = plugin
        }
        let files = try inputFiles(operands)
        var builder = ReportBuilder(index: index)
        for file in files { try read(file, into: &builder) }
        let report = builder.report(minInstances: minInstances)
        let text: String
        switch format {
        case "json": text = report.json(with: focus)
        case "csv": text = report.csv(with: focus)
        case "svg": text = report.svg()
        default: text = report.table(with: focus)
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// The files the operands name: files as they are, a directory's `*.jsonl` files (sorted),
    /// `-` for standard input. A missing one ends the command (66) before anything is read.
    static func inputFiles(_ operands: [String]) throws(CLIFailure) -> [String] {
        var files: [String] = []
        for path in operands {
            if path == "-" { files.append(path); continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CLIFailure(code: .noInput, message: "\(path): no such file")
            }
            if isDirectory.boolValue {
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                    throw CLIFailure(code: .noInput, message: "\(path): cannot be read")
                }
                files += names.filter { $0.hasSuffix(".jsonl") }.sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Feeds `path` to the builder a megabyte at a time: memory does not grow with the file.
    static func read(_ path: String, into builder: inout ReportBuilder) throws(CLIFailure) {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard fd >= 0 else { throw CLIFailure(code: .noInput, message: "\(path): cannot be read") }
        defer { if fd != STDIN_FILENO { close(fd) } }
        let size = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = Foundation.read(fd, buffer.baseAddress, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIFailure(code: .noInput, message: "\(CLI.displayName(path)): read failed (errno \(errno))")
            }
            if n == 0 { break }
            builder.feed(UnsafeBufferPointer(start: buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), count: n))
        }
        builder.endOfStream()
    }
}
