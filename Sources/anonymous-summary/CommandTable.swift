import AnonymousSummary
import CommandLineSupport

/// The users' command line, described once: the top-level help, each command's help, the option
/// sets the parser accepts (`CLI.parse`), the completion scripts (`Completion`) and the synopsis
/// in docs/library.md (checked by a test) all come from here. The developers' commands have their
/// own table, in anonymous-summary-dev.
enum CommandTable {
    static let name = "anonymous-summary"

    // Options more than one command takes.
    static let resources = OptionSpec.valued("-r", "--resources", value: "RESOURCES.yaml",
                                             help: "a resources file, summarised with the configs (again for more)", repeatable: true, path: true)
    static let streams = OptionSpec.flag("--streams", help: "read the CONFIG files as stream configs (streams mode)")
    static let allowEmpty = OptionSpec.flag("--allow-empty", help: "make the payload of a config with no component (refused otherwise)")
    /// The privacy mode, one name in summarise, status and send.
    static let privacy = OptionSpec.choice("--privacy", ["exact", "ldp", "dap"],
                                           help: "what is sent: exact names (the default), an LDP report, or a DAP report")
    static let ldpEpsilon = OptionSpec.valued("--epsilon", value: "E", help: "with --privacy ldp: the plugin-level ε, more than 0, at most 10 (default ln 3)")
    static let secretFile = OptionSpec.valued("--secret-file", value: "F",
                                              help: "with --privacy ldp: the host's secret (`secret` writes one), for the same bits and id every run",
                                              path: true)
    static let disable = OptionSpec.flag("--disable-telemetry", help: "opt out, as a host's users do")
    static let endpoint = OptionSpec.valued("--endpoint", value: "URL", help: "where payloads are POSTed: https, or http to a loopback address")
    static let ohttp: [OptionSpec] = [
        .valued("--ohttp-relay", value: "URL", help: "send every request through this Oblivious HTTP relay (docs/ohttp.md)"),
        .valued("--ohttp-keys", value: "FILE|URL", help: "with --ohttp-relay: the gateway's application/ohttp-keys (a file pins them)", path: true),
    ]
    static let dap: [OptionSpec] = [
        .valued("--dap-task", value: "FILE", help: "with --privacy dap: the DAP task file (docs/dap.md)", path: true),
        .valued("--leader", value: "URL", help: "with --privacy dap: the task's Leader (https)"),
        .valued("--helper", value: "URL", help: "with --privacy dap: the task's Helper (https)"),
        .valued("--task-id", value: "ID", help: "with --privacy dap: the task id, 32 bytes in URL-safe base64"),
        .valued("--time-precision", value: "S", help: "with --privacy dap: the task's time precision in seconds (default 86400)"),
        .valued("--min-batch-size", value: "N", help: "with --privacy dap: the task's minimum batch size (default 100)"),
    ]

    static let summarise = CommandSpec(
        tool: name, name: "summarise", aliases: ["summarize"], summary: "print exactly the payload that would be sent",
        forms: [CommandForm(verb: nil, options: [
            .valued("--id", value: "UUID", help: "the instance id, a version-4 UUID (default: random; not with --secret-file)"),
            .valued("--uptime", value: "SECONDS", help: "the uptime, sent in whole hours (default 0)"),
            privacy,
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
        tool: name, name: "explain", summary: "show where each component was found (never sent)",
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
        tool: name, name: "parse", summary: "print each YAML document as one line of JSON",
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
        tool: name, name: "schema", summary: "print the JSON Schema of the payload (of the LDP payload)",
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
        tool: name, name: "secret", summary: "print a new random 256-bit secret (hex) for --secret-file",
        forms: [CommandForm(verb: nil, options: [], operands: .none)],
        about: """
              Prints a new random 256-bit secret, in hex, for --secret-file (keep it in the host's
              data directory, readable by the host alone: (umask 077; anonymous-summary secret > FILE)).
            """)

    static let status = CommandSpec(
        tool: name, name: "status", summary: "say whether telemetry would be on, and what decided",
        forms: [CommandForm(verb: nil, options: [
            disable, endpoint,
            privacy,
            ldpEpsilon, secretFile,
        ] + dap, operands: .none)],
        about: """
              Says whether telemetry would be on for these arguments and this environment, what
              decided it (and how to opt out), and the privacy mode.
            """)

    static let send = CommandSpec(
        tool: name, name: "send", summary: "run the telemetry sender for a config until interrupted",
        forms: [CommandForm(verb: nil, options: [
            endpoint,
            .valued("--initial-delay", value: "DURATION", help: "uptime before the first send (default 5m)"),
            .valued("--jitter", value: "DURATION", help: "the first send within this after the delay, later ones ± this (default 1h)"),
            .valued("--period", value: "DURATION", help: "time between sends, more than 0 (default 24h)"),
            .valued("--timeout", value: "DURATION", help: "longest a request may take, more than 0 (default 10s)"),
            privacy,
            ldpEpsilon, secretFile,
        ] + dap + ohttp + [disable, resources, streams, allowEmpty], operands: .paths("(CONFIG|DIR|-)…"))],
        about: """
              Runs the telemetry sender for these configs as a host would, until interrupted (Ctrl-C):
              the first payload at a random moment from the initial delay to the initial delay plus
              the jitter, then one every period ± up to the jitter (at most half the period), the
              uptime in whole hours; standard error says when the first one goes. Durations are
              written 300ms, 90s, 5m, 24h, 2d or in seconds. Honours --disable-telemetry,
              \(ToolTelemetry.hostVariable)=off and DO_NOT_TRACK=1; \(ToolTelemetry.debugVariable)=1
              writes each payload to standard error instead.
              --privacy ldp sends a randomized report instead (see summarise --help), drawn once.
              --privacy dap uploads a DAP report (Prio3 shares of the plugin presence, pairs and
              uptime, each encrypted to its aggregator) to the task's Leader at each send, at most
              one a batch window (docs/dap.md); --ohttp-relay sends every request through an
              Oblivious HTTP relay (docs/ohttp.md).
            """)

    static let report = CommandSpec(
        tool: name, name: "report", summary: "plugin frequencies and pairings from collected payloads, differentially private unless --release exact",
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
        tool: name, name: "dap-counts", summary: "a DAP collection's sums into the counts file report --counts releases",
        forms: [CommandForm(verb: nil, options: [
            .valued("--dap-task", value: "FILE", help: "the DAP task file the reports were sent for", required: true, path: true),
        ], operands: .paths("RESULT|-"))],
        about: """
              Turns a DAP collection's result into the counts file `report --counts` releases: the
              output of Janus's collect tool ("Number of reports: N", "Aggregation result: [...]"),
              or {"report_count": N, "aggregate_result": [...]}; the entries are mapped through the
              task's layout (schema --dap-layout) to plugins, pairs and uptime buckets. A DAP report
              carries no component counts: those figures are 0 in the file.
            """)

    static let completion = CommandSpec(
        tool: name, name: "completion", summary: "print a shell completion script (bash, zsh or fish)",
        forms: [CommandForm(verb: nil, options: [], operands: Operands(text: "bash|zsh|fish", choices: ["bash", "zsh", "fish"], arePaths: false))],
        about: """
              Prints a completion script for the shell, made from the same description of the command
              line as this help. For example:
                bash: anonymous-summary completion bash > ~/.local/share/bash-completion/completions/anonymous-summary
                zsh:  anonymous-summary completion zsh > ~/.zfunc/_anonymous-summary   (with fpath+=(~/.zfunc) before compinit)
                fish: anonymous-summary completion fish > ~/.config/fish/completions/anonymous-summary.fish
            """)



    /// The developers' commands, in anonymous-summary-dev (a test checks this list against its table).
    static let developersCommands = ["bench", "prio3-bench", "dp-simulate", "ldp-simulate", "vdaf", "hpke", "dap-harness"]

    /// Every command, in the order the help lists them.
    static let commands: [CommandSpec] = [
        summarise, explain, parse, schema, secret, status, send, report, dapCounts, completion, CommandSpec.help(of: name),
    ]

    static let tool = CommandLineTool(
        name: name, purpose: "See exactly what the anonymous telemetry of a config would say; report on collected payloads.",
        version: AnonymousSummaryVersion.string, commands: commands, elsewhere: (tool: "anonymous-summary-dev", commands: developersCommands))

    static func command(named name: String) -> CommandSpec? { tool.command(named: name) }
}
