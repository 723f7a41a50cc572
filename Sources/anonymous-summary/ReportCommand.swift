import AnonymousSummary
import LocalPrivacy
import DifferentialPrivacy
import Primitives
import Foundation
import UsageReport
import CommandLineSupport

/// `anonymous-summary report`: collected payloads (or exact counts made elsewhere) into plugin
/// frequencies and pairings, released with differential privacy unless the operator asks for
/// the exact view.
enum ReportCommand {
    /// The options are declared in `CommandTable.report`; this is the text under the usage.
    static var usage: String { CommandTable.report.help }
    static let about = """
          Reads payloads as a collector stores them (one JSON payload a line; a DIR means its
          *.jsonl files; - is standard input) and reports, over instances (payloads grouped by
          id, the greatest uptime standing): how many instances, their uptimes, how many use each
          plugin, and which plugins go together (confidence and lift). --with output/aws_s3 shows
          what goes with that plugin. Lines that are not exactly the published payload shape are
          counted by reason and never shown.
          --release dp (the default) is safe to publish: each instance contributes at most C
          plugins (--max-plugins, default 8), and every figure of every catalogue plugin and pair
          gets discrete Gaussian noise: (ε, δ)-differentially private per instance, ε = 1 and
          δ = 1e-7 by default. Every private release is charged to a privacy ledger that records
          what each instance has spent (by a keyed hash of its id): anonymous-summary.ledger in
          the directory read (or that holds the files read), or --ledger F (--budget-file F is
          the same); an instance whose spend would pass the cap (--budget, an ε at the ledger's δ,
          default 3, set when the ledger is made, lowered never raised) is left out of the
          release. Standard input needs --ledger F; --no-ledger releases without one (warned).
          --release exact prints the exact figures for the operator, NOT for publication, with no
          figure resting on fewer than K instances (--min-instances, default 10); with --format
          counts it writes the bounded exact counts that --counts FILE later releases with noise.
          --release ldp prints the groups of LDP payloads alone: their estimates carry the local,
          plugin-level ε of each payload; group sizes and who sent one are not protected. LDP
          payloads are never in the dp release.
          --accepted OUT also writes to OUT the lines the report accepted (exact and LDP payloads),
          byte for byte as read, one a line, in order: load only these into a SQL engine that runs
          schema/report.sql, and it counts what the report counts. Rejected lines are not in it.
        """

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let parsed = try CLI.parse(arguments, CommandTable.report)
        let (flags, operands) = (parsed.flags, parsed.operands)
        let release = flags["--release"]?.last ?? "dp"
        guard ["dp", "exact", "ldp"].contains(release) else {
            throw CLIFailure(code: .usage, message: "--release: '\(release)' is not dp, exact or ldp")
        }
        let format = flags["--format"]?.last ?? "table"
        guard ["table", "json", "csv", "svg", "counts"].contains(format) else {
            throw CLIFailure(code: .usage, message: "--format: '\(format)' is not one of table, json, csv, svg, counts")
        }
        let countsFile = flags["--counts"]?.last
        if countsFile != nil && !operands.isEmpty {
            throw CLIFailure(code: .usage, message: "--counts FILE releases a counts file: give no payload files with it")
        }
        guard countsFile != nil || !operands.isEmpty else { throw CLIFailure(code: .usage, message: usage) }
        if countsFile != nil && flags["--accepted"] != nil {
            throw CLIFailure(code: .usage, message: "--accepted writes the payload lines a report accepted: a counts file has none")
        }
        // Options that belong to one release only are refused with the other, not ignored.
        if release == "dp" {
            for option in ["--min-instances"] where flags[option] != nil {
                throw CLIFailure(code: .usage, message: "\(option) applies to --release exact only (a private release has no threshold: every figure is noised)")
            }
            if format == "counts" {
                throw CLIFailure(code: .usage, message: "--format counts writes exact counts: it needs --release exact")
            }
        } else if release == "exact" {
            for option in ["--epsilon", "--delta", "--max-plugins", "--budget-file", "--ledger", "--no-ledger", "--budget"] where flags[option] != nil {
                throw CLIFailure(code: .usage, message: "\(option) applies to --release dp only (the exact view spends no privacy budget: it is not for publication)")
            }
            if countsFile != nil {
                throw CLIFailure(code: .usage, message: "--counts releases a counts file with noise: it needs --release dp")
            }
        } else {
            for option in ["--epsilon", "--delta", "--max-plugins", "--with", "--counts"] where flags[option] != nil {
                throw CLIFailure(code: .usage, message: "\(option) does not apply to --release ldp (LDP payloads carry their own ε)")
            }
            if format == "counts" {
                throw CLIFailure(code: .usage, message: "--format counts writes exact counts: it needs --release exact")
            }
        }
        if flags["--ledger"] != nil && flags["--budget-file"] != nil {
            throw CLIFailure(code: .usage, message: "--budget-file is another name for --ledger: give one")
        }
        let namedLedger = flags["--ledger"]?.last ?? flags["--budget-file"]?.last
        let noLedger = flags["--no-ledger"] != nil
        if noLedger && (namedLedger != nil || flags["--budget"] != nil) {
            throw CLIFailure(code: .usage, message: "--no-ledger releases without a ledger: --ledger, --budget-file and --budget do not go with it")
        }
        if release == "ldp" && flags["--budget"] != nil && namedLedger == nil {
            throw CLIFailure(code: .usage, message: "--budget needs --ledger F with --release ldp (an LDP release is recorded only in a ledger named)")
        }
        let epsilon = try number(flags, "--epsilon", PrivateReport.defaultEpsilon, "a number above 0 and at most 50") { $0 > 0 && $0 <= 50 }
        let delta = try number(flags, "--delta", PrivateReport.defaultDelta, "a number above 0 and below 0.01") { $0 > 0 && $0 < 0.01 }
        let cap = try number(flags, "--budget", PrivacyLedger.defaultBudget, "a number above 0") { $0 > 0 && $0 <= 1000 }
        let budget = flags["--budget"] == nil ? nil : cap
        var maxPlugins = ContributionBounds.defaultMaxPlugins
        if let text = flags["--max-plugins"]?.last {
            guard let c = Int(text), c >= 2, c <= 64 else {
                throw CLIFailure(code: .usage, message: "--max-plugins needs a whole number from 2 to 64")
            }
            maxPlugins = c
        }
        var minInstances = ExactReport.defaultMinInstances
        if let text = flags["--min-instances"]?.last {
            guard let k = Int(text), k >= 1 else {
                throw CLIFailure(code: .usage, message: "--min-instances needs a whole number of at least 1")
            }
            minInstances = k
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
        let bounds = ContributionBounds(maxPlugins: maxPlugins)
        var rng = BufferedSystemRandom()

        // The input: a counts file, or payload lines.
        var inputs: [LedgerInput] = []
        // The ledger: named, or beside the collection for a private release; none for the exact
        // view (not for publication) or with --no-ledger.
        var ledgerPath: String?
        if release == "dp" {
            if noLedger {
                // Said once the release is made (below), not before its input is checked.
            } else if let namedLedger {
                ledgerPath = namedLedger
            } else {
                guard let path = try FileLedgerStore.defaultPath(for: countsFile.map { [$0] } ?? operands) else {
                    throw CLIFailure(code: .usage, message: "report: standard input has no directory to keep the privacy ledger in: "
                                     + "give --ledger FILE (the ledger of this collection), or --no-ledger")
                }
                ledgerPath = path
            }
        } else if release == "ldp" {
            ledgerPath = namedLedger
        }
        let text: String
        var accepted: AcceptedLines?
        if let countsFile {
            let bytes = try CLI.readInput(countsFile, limit: 256 << 20)
            if ledgerPath != nil { inputs.append(.init(name: CLI.displayName(countsFile), bytes: bytes)) }
            let counts: CountsFile
            do {
                counts = try CountsFile(reading: bytes, index: index)
            } catch {
                throw CLIFailure(code: .dataError, message: "\(CLI.displayName(countsFile)): \(error.message)")
            }
            if let text = flags["--max-plugins"]?.last, Int(text) != counts.bounds.maxPlugins {
                throw CLIFailure(code: .usage, message: "--max-plugins \(text) differs from the counts file's bound (\(counts.bounds.maxPlugins)): the sensitivity is the file's")
            }
            text = try publish(.counts(counts), bounds: counts.bounds, epsilon: epsilon, delta: delta, ledgerPath: ledgerPath,
                               budget: budget, inputs: inputs, format: format, focus: focus.flatMap(index.number(of:)), using: &rng)
        } else {
            let files = try inputFiles(operands)
            if let out = flags["--accepted"]?.last { accepted = try AcceptedLines(out, inputs: files) }
            var builder = CollectedInstances(index: index)
            for file in files {
                var hasher: SHA256? = ledgerPath == nil ? nil : SHA256()
                var size = 0
                try read(file, into: &builder, hasher: &hasher, size: &size, accepted: accepted)
                if var h = hasher { inputs.append(.init(name: CLI.displayName(file), digest: h.finalize(), size: size)) }
            }
            let acceptedLines = release == "ldp" ? builder.ldpPayloads : release == "dp" ? builder.payloads : builder.payloads + builder.ldpPayloads
            if acceptedLines == 0 {
                let rejected = builder.rejected.values.reduce(0, +)
                let what = "report: no \(release == "ldp" ? "LDP " : "")payload accepted from \(CLI.plural(files.count, "file")) "
                    + "(\(CLI.plural(builder.lines, "line")) read, \(rejected) rejected)"
                // A release of nothing: refused, and charged to no ledger.
                guard release == "exact" else {
                    throw CLIFailure(code: .dataError, message: what + ": nothing was released or charged")
                }
                CLI.printError(what + ": the figures below are of no instance")
            }
            if release == "ldp" {
                let report = builder.exactReport(minInstances: minInstances)
                if let ledgerPath {
                    let epsilons = report.ldp.filter(\.published).map { "\($0.mechanism.epsilon)" }.joined(separator: ",")
                    _ = try ledgerFailure(ledgerPath) { () throws(PrivacyLedgerError) in
                        try PrivacyLedger.recordWithoutCharge(store: FileLedgerStore(path: ledgerPath), delta: delta, budget: budget,
                                                              note: "ldp local-epsilons=\(epsilons) " + LedgerInput.note(inputs))
                    }
                    CLI.printError("report: recorded in \(ledgerPath) with no central ρ (LDP payloads carry their own local noise)")
                }
                switch format {
                case "json": text = report.ldpReleaseJSON()
                case "csv": text = report.ldpReleaseCSV()
                case "svg": text = report.ldpReleaseSVG()
                default: text = report.ldpReleaseTable()
                }
            } else if release == "exact" {
                if format == "counts" {
                    let counts: BoundedCounts, cut: Int
                    do {
                        (counts, cut) = try builder.boundedCounts(bounds: bounds, using: &rng)
                    } catch {
                        throw CLIFailure(code: .software, message: error.description)
                    }
                    if cut > 0 { CLI.printError("report: \(CLI.plural(cut, "instance")) had more than \(bounds.maxPlugins) plugins: a random \(bounds.maxPlugins) of each were kept") }
                    text = CountsFile(counts: counts, index: index, bounds: bounds).json
                } else {
                    let report = builder.exactReport(minInstances: minInstances)
                    switch format {
                    case "json": text = report.json(with: focus)
                    case "csv": text = report.csv(with: focus)
                    case "svg": text = report.svg()
                    default: text = report.table(with: focus)
                    }
                }
            } else {
                text = try publish(.payloads(builder), bounds: bounds, epsilon: epsilon, delta: delta, ledgerPath: ledgerPath,
                                   budget: budget, inputs: inputs, format: format, focus: focus.flatMap(index.number(of:)), using: &rng)
            }
        }
        if release == "dp" && noLedger {
            CLI.printError("report: --no-ledger: this release is charged to no ledger; releases of the same instances add up "
                           + "whether recorded or not (docs/report.md, \"The ledger\")")
        }
        if let accepted {
            try accepted.finish()
            CLI.printError("report: \(CLI.plural(accepted.count, "accepted line")) written to \(accepted.path)")
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// The ledger's failures as the tool's: a bad call (another δ, a raised cap) 64, a ledger
    /// or a release refused 65, a ledger that cannot be opened or written 66.
    static func ledgerFailure<R>(_ path: String, _ body: () throws(PrivacyLedgerError) -> R) throws(CLIFailure) -> R {
        do {
            return try body()
        } catch {
            switch error {
            case .deltaMismatch, .capRaised: throw CLIFailure(code: .usage, message: "\(path): \(error)")
            case .release(let why): throw CLIFailure(code: .usage, message: why)
            case .store: throw CLIFailure(code: .noInput, message: "\(error)")
            default: throw CLIFailure(code: .dataError, message: "\(path): \(error)")
            }
        }
    }

    /// The private release (`PrivateReport.publish`: release, charge, render), its notes
    /// printed to standard error; its text is returned for standard output.
    static func publish(_ input: PrivateReport.Input, bounds: ContributionBounds, epsilon: Double, delta: Double,
                        ledgerPath: String?, budget: Double?, inputs: [LedgerInput], format: String, focus: Int?,
                        using rng: inout BufferedSystemRandom) throws(CLIFailure) -> String {
        let charge = ledgerPath.map {
            PrivateReport.Charge(store: FileLedgerStore(path: $0), name: $0, budget: budget, note: LedgerInput.note(inputs))
        }
        let published = try ledgerFailure(ledgerPath ?? "") { () throws(PrivacyLedgerError) in
            try PrivateReport.publish(input, bounds: bounds, epsilon: epsilon, delta: delta, charge: charge,
                                      format: ReleaseFormat(rawValue: format) ?? .table, focus: focus, using: &rng)
        }
        for note in published.notes { CLI.printError(note) }
        return published.text
    }

    static func number(_ flags: [String: [String]], _ name: String, _ fallback: Double, _ rule: String,
                       _ valid: (Double) -> Bool) throws(CLIFailure) -> Double {
        guard let text = flags[name]?.last else { return fallback }
        guard let value = Double(text), value.isFinite, valid(value) else {
            throw CLIFailure(code: .usage, message: "\(name) needs \(rule) (got '\(text)')")
        }
        return value
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
                let found = names.filter { $0.hasSuffix(".jsonl") }.sorted().map { (path as NSString).appendingPathComponent($0) }
                guard !found.isEmpty else {
                    throw CLIFailure(code: .noInput, message: "\(path): a directory with no *.jsonl file")
                }
                files += found
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Feeds `path` to the builder a megabyte at a time: memory does not grow with the file.
    /// With a hasher, the bytes are hashed on the way (the ledger's record of the input); with
    /// `accepted`, the lines the builder accepts are written to it.
    static func read(_ path: String, into builder: inout CollectedInstances, hasher: inout SHA256?, size: inout Int,
                     accepted: AcceptedLines? = nil) throws(CLIFailure) {
        try CLI.readChunks(path) { bytes in
            hasher?.update(bytes)
            size += bytes.count
            if let accepted { builder.feed(bytes, accepted: accepted.append) } else { builder.feed(bytes) }
        }
        if let accepted { builder.endOfStream(accepted: accepted.append) } else { builder.endOfStream() }
    }
}
