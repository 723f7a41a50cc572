/// The command line, described once: every command, its forms (a verb such as `hpke seal`, or
/// none), their options with value names and one line of help, their operands, and whether the
/// command is for developers. The top-level help, each command's help, the option sets the
/// parser accepts (`CLI.parse`), the completion scripts (`Completion`) and the synopsis in
/// docs/library.md (checked by a test) all come from here.

/// One option: its names (the first is the one a synopsis shows), the name of its value (nil
/// for a flag), the values it takes when they are a fixed set, one line of help.
struct OptionSpec {
    var names: [String]
    var value: String?
    var choices: [String] = []
    var help: String
    /// May be given more than once (`…` in a synopsis).
    var repeatable = false
    /// Must be given (no brackets in a synopsis; the parser says so when it is missing).
    var required = false
    /// Its value is a path: shells complete file names for it.
    var isPath = false

    var name: String { names[0] }
    var takesValue: Bool { value != nil }

    static func flag(_ names: String..., help: String) -> OptionSpec {
        OptionSpec(names: names, value: nil, help: help)
    }

    static func valued(_ names: String..., value: String, help: String, required: Bool = false, repeatable: Bool = false,
                       path: Bool = false) -> OptionSpec {
        OptionSpec(names: names, value: value, help: help, repeatable: repeatable, required: required, isPath: path)
    }

    static func choice(_ name: String, _ choices: [String], help: String, required: Bool = false) -> OptionSpec {
        OptionSpec(names: [name], value: choices.joined(separator: "|"), choices: choices, help: help, required: required)
    }

    /// `[--id UUID]`, `[-r RESOURCES.yaml]…`, `--aead aes128gcm|chacha20poly1305`.
    var synopsis: String {
        let text = value.map { "\(name) \($0)" } ?? name
        return (required ? text : "[\(text)]") + (repeatable ? "…" : "")
    }
}

/// What a form takes after its options.
struct Operands {
    /// As a synopsis shows them: `CONFIG…`, `FILE|-`, `[COMMAND]`; empty for none.
    var text: String
    /// The values they take when those are a fixed set (shells complete them).
    var choices: [String] = []
    /// Shells complete file names for them.
    var arePaths = true

    static let none = Operands(text: "", arePaths: false)
    static func paths(_ text: String) -> Operands { Operands(text: text) }
}

/// One way to call a command: `hpke seal …` is a form of `hpke` with the verb `seal`.
struct CommandForm {
    var verb: String?
    var options: [OptionSpec]
    var operands: Operands

    /// The option a name (`--id`, `-r`) stands for in this form.
    func option(named name: String) -> OptionSpec? { options.first { $0.names.contains(name) } }

    /// Every name the parser accepts in this form.
    var acceptedNames: Set<String> { Set(options.flatMap(\.names)) }
}

struct CommandSpec {
    var name: String
    var aliases: [String] = []
    /// One line, for the top-level help and the shells' completion menus.
    var summary: String
    var forms: [CommandForm]
    /// The paragraphs under the usage in the command's help.
    var about: String
    /// A command for measuring or checking this package, not for users: listed apart.
    var developers = false

    var hasVerbs: Bool { forms.first?.verb != nil }

    /// Every option of every form, each name once, in the order they are declared.
    var allOptions: [OptionSpec] {
        var seen: Set<String> = []
        return forms.flatMap(\.options).filter { seen.insert($0.name).inserted }
    }

    /// The form's synopsis after `prefix` (`usage: ` in the help, nothing in the docs), wrapped
    /// at 110 columns with continuation lines under the first option.
    func synopsis(_ form: CommandForm, prefix: String = "") -> String {
        let head = prefix + "anonymous-summary \(name)" + (form.verb.map { " \($0)" } ?? "")
        let tokens = form.options.map(\.synopsis) + (form.operands.text.isEmpty ? [] : [form.operands.text])
        var lines: [String] = [], line = head
        let indent = String(repeating: " ", count: head.count + 1)
        for token in tokens {
            if line.count + 1 + token.count > 110 && line != head && line != indent {
                lines.append(line)
                line = indent + token
            } else {
                line += (line == indent ? "" : " ") + token
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// Every form's synopsis, one after the other, as docs/library.md shows them.
    var synopses: String { forms.map { synopsis($0) }.joined(separator: "\n") }

    /// The command's help: its usage (every form), what it does, and every option.
    var help: String {
        var out = forms.enumerated().map { i, form in
            synopsis(form, prefix: i == 0 ? "usage: " : "       ")
        }.joined(separator: "\n")
        out += "\n\n" + about + "\n"
        var rows = allOptions.map { option -> (String, String) in
            (option.names.joined(separator: ", ") + (option.value.map { " \($0)" } ?? ""), option.help)
        }
        rows.append(("-h, --help", "print this help"))
        let width = min(32, rows.map(\.0.count).max() ?? 0)
        out += "\noptions:\n"
        for (names, help) in rows {
            out += "  " + names + (names.count <= width ? String(repeating: " ", count: width - names.count) : "\n  " + String(repeating: " ", count: width))
                + "  " + help + "\n"
        }
        return out
    }
}

enum CommandTable {
    // Options more than one command takes.
    static let resources = OptionSpec.valued("-r", "--resources", value: "RESOURCES.yaml",
                                             help: "a resources file, summarised with the configs (again for more)", repeatable: true, path: true)
    static let streams = OptionSpec.flag("--streams", help: "read the CONFIG files as stream configs (streams mode)")
    static let allowEmpty = OptionSpec.flag("--allow-empty", help: "make the payload of a config with no component (refused otherwise)")
    static let ldpEpsilon = OptionSpec.valued("--epsilon", value: "E", help: "with --privacy ldp: the plugin-level ε, more than 0, at most 10 (default ln 3)")
    static let secretFile = OptionSpec.valued("--secret-file", value: "F",
                                              help: "with --privacy ldp: the host's secret (`secret` writes one), for the same bits and id every run",
                                              path: true)
    static let disable = OptionSpec.flag("--disable-telemetry", help: "opt out, as a host's users do")
    static let endpoint = OptionSpec.valued("--endpoint", value: "URL", help: "where payloads are POSTed: https, or http to a loopback address")
    static let dap: [OptionSpec] = [
        .valued("--dap-task", value: "FILE", help: "with --privacy dap: the DAP task file (docs/dap.md)", path: true),
        .valued("--leader", value: "URL", help: "with --privacy dap: the task's Leader (https)"),
        .valued("--helper", value: "URL", help: "with --privacy dap: the task's Helper (https)"),
        .valued("--task-id", value: "ID", help: "with --privacy dap: the task id, 32 bytes in URL-safe base64"),
        .valued("--time-precision", value: "S", help: "with --privacy dap: the task's time precision in seconds (default 86400)"),
        .valued("--min-batch-size", value: "N", help: "with --privacy dap: the task's minimum batch size (default 100)"),
    ]

    static let summarise = CommandSpec(
        name: "summarise", aliases: ["summarize"], summary: "print exactly the payload that would be sent",
        forms: [CommandForm(verb: nil, options: [
            .valued("--id", value: "UUID", help: "the instance id, a version-4 UUID (default: random; not with --secret-file)"),
            .valued("--uptime", value: "SECONDS", help: "the uptime, sent in whole hours (default 0)"),
            .choice("--privacy", ["exact", "ldp", "dap"], help: "what is sent: exact names (the default), an LDP report, or a DAP report"),
            ldpEpsilon, secretFile,
        ] + dap + [resources, streams, allowEmpty], operands: .paths("(CONFIG|DIR|-)…"))],
        about: """
              Prints, as one line of JSON, exactly the payload the telemetry would send for these
              configs: a random instance id, the uptime, and the allow-listed plugin names in use.
              --id and --uptime make the output reproducible (otherwise the id is random and the
              uptime 0); the uptime goes in whole hours, as the sender sends it. A config with no
              component is refused unless --allow-empty. A DIR is read as streams mode (every
              .yaml/.yml in it is a stream config); --streams reads CONFIG files as stream configs;
              - reads a config from standard input.
              --privacy ldp prints instead one randomized report (optimized unary encoding over the
              catalogue, ε = --epsilon, ln 3 by default): a fresh draw each run, or with
              --secret-file (64 hex digits, as `anonymous-summary secret` writes) the same bits, and
              an id derived from the secret, every run for the same configs.
              --privacy dap (with the task's options) prints the measurement a DAP upload
              secret-shares, as JSON: the entries set and their names (see docs/dap.md); the
              upload carries it only as Prio3 shares, each encrypted to its aggregator.
              The privacy mode is said on standard error.
            """)

    static let explain = CommandSpec(
        name: "explain", summary: "show where each component was found (never sent)",
        forms: [CommandForm(verb: nil, options: [
            resources, streams,
            .flag("--allow-empty", help: "accepted as summarise takes it (explain shows a config with no component anyway)"),
        ], operands: .paths("(CONFIG|DIR|-)…"))],
        about: """
              Prints a table of every component found: where it is (file, line, column), its path
              (catalogue names, list indices, and * for a key you chose), its kind, and how it is
              counted (the plugin name, unlisted, or malformed and why). This is never sent. The
              configs are named as summarise takes them (a DIR in streams mode, - for standard input).
            """)

    static let parse = CommandSpec(
        name: "parse", summary: "print each YAML document as one line of JSON",
        forms: [CommandForm(verb: nil, options: [
            .flag("--strings", help: "print every scalar as its string, unresolved"),
        ], operands: .paths("FILE|-"))],
        about: """
              Prints each YAML document of FILE (or standard input) as one line of JSON: mapping
              keys in document order, plain scalars read by the YAML 1.2 core schema (null,
              booleans, integers, floats), every other scalar a string. With --strings every
              scalar is printed as its string value. Errors go to standard error as
              FILE:LINE:COLUMN: message, with exit status 65.
            """)

    static let schema = CommandSpec(
        name: "schema", summary: "print the JSON Schema of the payload (of the LDP payload)",
        forms: [CommandForm(verb: nil, options: [
            .flag("--ldp", help: "the LDP mode's payload"),
            .flag("--dap-layout", help: "the DAP measurement's layout: index to plugin, pair or uptime bucket"),
        ], operands: .none)],
        about: """
              Prints the JSON Schema of the payload (with --ldp, of the LDP mode's payload). With
              --dap-layout, the DAP measurement's layout instead: {"length": N, "entries": [...]},
              the meaning of each entry of the Prio3SumVec vector a DAP task must be made for.
            """)

    static let secret = CommandSpec(
        name: "secret", summary: "print a new random 256-bit secret (hex) for --secret-file",
        forms: [CommandForm(verb: nil, options: [], operands: .none)],
        about: """
              Prints a new random 256-bit secret, in hex, for --secret-file (keep it in the host's
              data directory, readable by the host alone: (umask 077; anonymous-summary secret > FILE)).
            """)

    static let status = CommandSpec(
        name: "status", summary: "say whether telemetry would be on, and what decided",
        forms: [CommandForm(verb: nil, options: [
            disable, endpoint,
            .choice("--privacy", ["exact", "ldp", "dap"], help: "the privacy mode to say: exact (the default), ldp or dap"),
            ldpEpsilon, secretFile,
        ] + dap, operands: .none)],
        about: """
              Says whether telemetry would be on for these arguments and this environment, what
              decided it (and how to opt out), and the privacy mode.
            """)

    static let send = CommandSpec(
        name: "send", summary: "run the telemetry sender for a config until interrupted",
        forms: [CommandForm(verb: nil, options: [
            endpoint,
            .valued("--initial-delay", value: "DURATION", help: "uptime before the first send (default 5m)"),
            .valued("--jitter", value: "DURATION", help: "the first send within this after the delay, later ones ± this (default 1h)"),
            .valued("--period", value: "DURATION", help: "time between sends, more than 0 (default 24h)"),
            .valued("--timeout", value: "DURATION", help: "longest a request may take, more than 0 (default 10s)"),
            .choice("--privacy", ["exact", "ldp", "dap"], help: "what is sent: exact names (the default), an LDP report, or a DAP report"),
            ldpEpsilon, secretFile,
        ] + dap + [disable, resources, streams, allowEmpty], operands: .paths("(CONFIG|DIR|-)…"))],
        about: """
              Runs the telemetry sender for these configs as a host would, until interrupted (Ctrl-C):
              the first payload at a random moment from the initial delay to the initial delay plus
              the jitter, then one every period ± up to the jitter (at most half the period), the
              uptime in whole hours; standard error says when the first one goes. Durations are
              written 300ms, 90s, 5m, 24h, 2d or in seconds. Honours --disable-telemetry,
              \(ToolTelemetry.hostVariable)=off and DO_NOT_TRACK=1; \(ToolTelemetry.debugVariable)=1
              writes each payload to standard error instead.
              --privacy ldp sends a randomized report instead (see summarise --help), drawn once.
              --privacy dap uploads a DAP report (Prio3 shares of the plugin presence, each encrypted
              to its aggregator) to the task's Leader at each send (docs/dap.md).
            """)

    static let report = CommandSpec(
        name: "report", summary: "plugin frequencies and pairings from collected payloads, differentially private unless --release exact",
        forms: [CommandForm(verb: nil, options: [
            .choice("--release", ["dp", "exact", "ldp"], help: "private (the default), the operator's exact view, or the LDP payloads alone"),
            .choice("--format", ["table", "json", "csv", "svg", "counts"], help: "how to print it (default table); counts needs --release exact"),
            .valued("--with", value: "KIND/NAME", help: "what goes with this catalogue plugin (like output/aws_s3)"),
            .valued("--epsilon", value: "E", help: "--release dp: the release's ε, above 0, at most 50 (default 1)"),
            .valued("--delta", value: "D", help: "--release dp: the release's δ, above 0, below 0.01 (default 1e-7)"),
            .valued("--max-plugins", value: "C", help: "--release dp: plugins counted per instance, 2 to 64 (default 8)"),
            .valued("--ledger", "--budget-file", value: "F",
                    help: "--release dp: the per-instance privacy ledger (default: anonymous-summary.ledger beside the collection)", path: true),
            .flag("--no-ledger", help: "--release dp: release without a ledger (warned; releases still add up)"),
            .valued("--budget", value: "E", help: "the ε each instance's releases may add up to, set when the ledger is made (default 3)"),
            .valued("--min-instances", value: "K", help: "--release exact: no figure resting on fewer instances (default 10)"),
            .valued("--counts", value: "FILE", help: "release a counts file (--format counts, dap-counts) with noise, instead of payloads", path: true),
            .valued("--accepted", value: "OUT", help: "also write the payload lines the report accepted to OUT (to load into SQL)", path: true),
        ], operands: .paths("[(FILE|DIR|-)…]"))],
        about: ReportCommand.about)

    static let dapCounts = CommandSpec(
        name: "dap-counts", summary: "a DAP collection's sums into the counts file report --counts releases",
        forms: [CommandForm(verb: nil, options: [], operands: .paths("FILE|-"))],
        about: """
              Turns a DAP collection's result, {"report_count": N, "aggregate_result": [342 integers]}
              (the presence measurement's sums), into the counts file `report --counts` releases.
              A DAP report carries no uptime and no component counts: those figures are 0 in the file.
            """)

    static let vdaf = CommandSpec(
        name: "vdaf", summary: "complete a Prio3 test vector (VDAF draft 08 or 20) from its inputs",
        forms: [CommandForm(verb: "run", options: [
            .choice("--draft", VDAFCommand.drafts, help: "the VDAF draft of the vector and its format (default 20)"),
            .choice("--vdaf", VDAFCommand.variants + VDAFCommand.variants08.filter { !VDAFCommand.variants.contains($0) },
                    help: "the variant (default: from the file's name, like Prio3Histogram_0.json)"),
        ], operands: .paths("FILE|-"))],
        about: """
              Completes a Prio3 test vector (the draft's format: draft 20 by default, draft 08 with
              --draft 08) from its inputs, for checking this implementation against another one:
              writes it, every computed field filled, to standard output.
            """)

    static let hpkeAEAD = OptionSpec.choice("--aead", ["aes128gcm", "chacha20poly1305"], help: "the AEAD", required: true)
    static let hpkeInfo = OptionSpec.valued("--info", value: "HEX", help: "the info string (default empty)")
    static let hpkeAAD = OptionSpec.valued("--aad", value: "HEX", help: "the associated data (default empty)")
    static let hpke = CommandSpec(
        name: "hpke", summary: "HPKE (RFC 9180) in hex, for outside checks",
        forms: [
            CommandForm(verb: "keypair", options: [], operands: .none),
            CommandForm(verb: "seal", options: [
                hpkeAEAD,
                .valued("--public-key", value: "HEX", help: "seal: the recipient's X25519 public key (32 bytes)", required: true),
                hpkeInfo, hpkeAAD,
                .valued("--plaintext", value: "HEX", help: "seal: the message", required: true),
            ], operands: .none),
            CommandForm(verb: "open", options: [
                hpkeAEAD,
                .valued("--private-key", value: "HEX", help: "open: the recipient's X25519 private key (32 bytes)", required: true),
                .valued("--enc", value: "HEX", help: "open: the encapsulated key seal printed (32 bytes)", required: true),
                hpkeInfo, hpkeAAD,
                .valued("--ciphertext", value: "HEX", help: "open: the ciphertext seal printed", required: true),
            ], operands: .none),
        ],
        about: """
              keypair prints a private and a public key (hex) from the system CSPRNG; seal prints enc and
              the ciphertext; open prints the plaintext, or fails (65) when it does not authenticate.
            """)

    static let completion = CommandSpec(
        name: "completion", summary: "print a shell completion script (bash, zsh or fish)",
        forms: [CommandForm(verb: nil, options: [], operands: Operands(text: "bash|zsh|fish", choices: ["bash", "zsh", "fish"], arePaths: false))],
        about: """
              Prints a completion script for the shell, made from the same description of the command
              line as this help. For example:
                bash: anonymous-summary completion bash > ~/.local/share/bash-completion/completions/anonymous-summary
                zsh:  anonymous-summary completion zsh > ~/.zfunc/_anonymous-summary   (with fpath+=(~/.zfunc) before compinit)
                fish: anonymous-summary completion fish > ~/.config/fish/completions/anonymous-summary.fish
            """)

    static let helpCommand = CommandSpec(
        name: "help", summary: "print this help, or a command's (help COMMAND)",
        forms: [CommandForm(verb: nil, options: [], operands: Operands(text: "[COMMAND]", arePaths: false))],
        about: "  Prints the list of commands, or with COMMAND that command's usage and options (as COMMAND --help does).")

    static let developersNote = "A developers' command (for measuring this package; not part of the user-facing tool)."

    static let bench = CommandSpec(
        name: "bench", summary: "time parsing (or summarising) a file: the loop behind Scripts/bench",
        forms: [CommandForm(verb: nil, options: [
            .flag("--summarise", help: "parse, walk and encode the payload, not only parse"),
            .flag("--allow-empty", help: "with --summarise: a config with no component is not an error"),
            .valued("--seconds", value: "S", help: "about how long to run, more than 0 (default 3; at least 3 runs)"),
            .flag("--once", help: "run once"),
        ], operands: .paths("FILE"))],
        about: """
              \(developersNote)
              Parses FILE (or, with --summarise, parses, walks and encodes its payload) repeatedly
              for about S seconds and prints one JSON line: the input size, the runs' median and best
              throughput, and the peak resident memory before and after.
            """,
        developers: true)

    static let prio3Bench = CommandSpec(
        name: "prio3-bench", summary: "time the telemetry's Prio3 operations: behind Scripts/bench prio3",
        forms: [CommandForm(verb: nil, options: [
            .valued("--seconds", value: "S", help: "how long to time each operation, more than 0 (default 2)"),
        ], operands: .none)],
        about: """
              \(developersNote)
              Prints one JSON line: per Prio3 operation the runs a second and the microseconds a run,
              and the report sizes.
            """,
        developers: true)

    static let dpSimulate = CommandSpec(
        name: "dp-simulate", summary: "the private release's accuracy, measured: behind Scripts/bench report-utility",
        forms: [CommandForm(verb: nil, options: [
            .valued("--releases", value: "R", help: "how many releases, at least 1 (default 200)"),
            .valued("--epsilon", value: "E", help: "the release's ε, above 0, at most 50 (default 1)"),
            .valued("--delta", value: "D", help: "the release's δ, above 0, below 0.01 (default 1e-7)"),
            .valued("--max-plugins", value: "C", help: "plugins counted per instance, 2 to 64 (default 8)"),
        ], operands: .paths("FILE"))],
        about: """
              \(developersNote)
              Reads a payload file (a generated population), releases it R times with fresh noise and
              prints one JSON line: for the plugin nearest a 10% share and the pair nearest 5% (and
              over all plugins used by at least 1% of instances), the 95th percentile of the error of
              the published share, and how often the published 95% interval held the truth.
            """,
        developers: true)

    static let ldpSimulate = CommandSpec(
        name: "ldp-simulate", summary: "the LDP estimates' accuracy, simulated: behind Scripts/ldp-accuracy",
        forms: [CommandForm(verb: nil, options: [
            .valued("--epsilon", value: "E", help: "the plugin-level ε, more than 0, at most 10", required: true),
            .valued("--instances", value: "N", help: "instances in each simulated population, at least 2", required: true),
            .valued("--trials", value: "T", help: "how many populations, at least 1 (default 100)"),
            .valued("--seed", value: "S", help: "the simulation's seed, a whole number from 0 (default 1)"),
            .valued("--corpus", value: "DIR", help: "draw populations from the plugin sets of the configs in DIR", path: true),
        ], operands: .none)],
        about: """
              \(developersNote)
              Simulates populations, randomizes their bits with the mechanism and estimates with the
              report's estimator; prints one JSON line: the mean 95% half-width, the coverage and the
              mean error, for a plugin (10%) and a pair (5%), or with --corpus for plugins near 25%,
              10% and 3% and the two pairs most used together.
            """,
        developers: true)

    /// Every command, in the order the help lists them.
    static let commands: [CommandSpec] = [
        summarise, explain, parse, schema, secret, status, send, report, dapCounts, vdaf, hpke, completion, helpCommand,
        bench, prio3Bench, dpSimulate, ldpSimulate,
    ]

    static func command(named name: String) -> CommandSpec? {
        commands.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// The top-level help.
    static var topHelp: String {
        func rows(_ list: [CommandSpec]) -> String {
            let width = commands.map(\.name.count).max() ?? 0
            return list.map { "  " + $0.name + String(repeating: " ", count: width - $0.name.count) + "  " + $0.summary }
                .joined(separator: "\n")
        }
        return """
            usage: anonymous-summary COMMAND [OPTIONS] [ARGUMENTS]
                   anonymous-summary --help | -h | --version | -V

            See exactly what the anonymous telemetry of a config would say; report on collected payloads.

            commands:
            \(rows(commands.filter { !$0.developers }))

            developers' commands (for measuring and checking this package; not part of the user-facing tool):
            \(rows(commands.filter(\.developers)))

            COMMAND --help (or -h) prints a command's usage and options; --version (or -V) the package's version.
            Options take their value as the next argument or after =: --format json, --format=json.
            Exit status: 0 ok, 64 usage, 65 bad data (a config: FILE:LINE:COLUMN: message on standard error),
            66 missing input, 70 internal error.
            """
    }
}
