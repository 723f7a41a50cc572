import AnonymousSummary
import CommandLineSupport

/// The developers' command line, described once (as the users' is in anonymous-summary): commands
/// that measure this package or check it against other implementations, for the scripts under
/// Scripts/ and for outside checks. Their help, the option sets the parser accepts and the synopses
/// in docs/performance.md (checked by a test) come from here.
enum CommandTable {
    static let name = "anonymous-summary-dev"

    static let vdaf = CommandSpec(
        tool: name, name: "vdaf", summary: "complete a Prio3 test vector (VDAF draft 08 or 20) from its inputs",
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
        tool: name, name: "hpke", summary: "HPKE (RFC 9180) in hex, for outside checks",
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

    static let bench = CommandSpec(
        tool: name, name: "bench", summary: "time parsing (or summarising) a file: the loop behind Scripts/bench",
        forms: [CommandForm(verb: nil, options: [
            .flag("--summarise", help: "parse, walk and encode the payload, not only parse"),
            .flag("--allow-empty", help: "with --summarise: a config with no component is not an error"),
            .valued("--seconds", value: "S", help: "about how long to run, more than 0 (default 3; at least 3 runs)"),
            .flag("--once", help: "run once"),
        ], operands: .paths("FILE"))],
        about: """
              Parses FILE (or, with --summarise, parses, walks and encodes its payload) repeatedly
              for about S seconds and prints one JSON line: the input size, the runs' median and best
              throughput, and the peak resident memory before and after.
            """)

    static let prio3Bench = CommandSpec(
        tool: name, name: "prio3-bench", summary: "time the telemetry's Prio3 operations: behind Scripts/bench prio3",
        forms: [CommandForm(verb: nil, options: [
            .valued("--seconds", value: "S", help: "how long to time each operation, more than 0 (default 2)"),
        ], operands: .none)],
        about: """
              Prints one JSON line: per Prio3 operation the runs a second and the microseconds a run,
              and the report sizes.
            """)

    static let dpSimulate = CommandSpec(
        tool: name, name: "dp-simulate", summary: "the private release's accuracy, measured: behind Scripts/bench report-utility",
        forms: [CommandForm(verb: nil, options: [
            .valued("--releases", value: "R", help: "how many releases, at least 1 (default 200)"),
            .valued("--epsilon", value: "E", help: "the release's ε, above 0, at most 50 (default 1)"),
            .valued("--delta", value: "D", help: "the release's δ, above 0, below 0.01 (default 1e-7)"),
            .valued("--max-plugins", value: "C", help: "plugins counted per instance, 2 to 64 (default 8)"),
        ], operands: .paths("FILE"))],
        about: """
              Reads a payload file (a generated population), releases it R times with fresh noise and
              prints one JSON line: for the plugin nearest a 10% share and the pair nearest 5% (and
              over all plugins used by at least 1% of instances), the 95th percentile of the error of
              the published share, and how often the published 95% interval held the truth.
            """)

    static let ldpSimulate = CommandSpec(
        tool: name, name: "ldp-simulate", summary: "the LDP estimates' accuracy, simulated: behind Scripts/ldp-accuracy",
        forms: [CommandForm(verb: nil, options: [
            .valued("--epsilon", value: "E", help: "the plugin-level ε, more than 0, at most 10", required: true),
            .valued("--instances", value: "N", help: "instances in each simulated population, at least 2", required: true),
            .valued("--trials", value: "T", help: "how many populations, at least 1 (default 100)"),
            .valued("--seed", value: "S", help: "the simulation's seed, a whole number from 0 (default 1)"),
            .valued("--corpus", value: "DIR", help: "draw populations from the plugin sets of the configs in DIR", path: true),
        ], operands: .none)],
        about: """
              Simulates populations, randomizes their bits with the mechanism and estimates with the
              report's estimator; prints one JSON line: the mean 95% half-width, the coverage and the
              mean error, for a plugin (10%) and a pair (5%), or with --corpus for plugins near 25%,
              10% and 3% and the two pairs most used together.
            """)


    /// Every command, in the order the help lists them.
    static let dapProtocol = OptionSpec.choice("--protocol", ["dap-09", "dap-18"], help: "the DAP draft to speak", required: true)
    static let dap = CommandSpec(
        tool: name, name: "dap-harness", summary: "the DAP interop test client; loopback aggregators for Scripts/dap-demo",
        forms: [
            CommandForm(verb: "interop-client", options: [
                dapProtocol,
                .valued("--port", value: "PORT", help: "interop-client: the port to serve on (8080 in the interop design)", required: true),
                .valued("--address", value: "ADDRESS", help: "interop-client: the address to listen on (default 0.0.0.0)"),
            ], operands: .none),
            CommandForm(verb: "aggregators", options: [
                dapProtocol,
                .valued("--task-file", value: "OUT", help: "aggregators: where to write the task file for the hosts", required: true, path: true),
                .valued("--time-precision", value: "S", help: "aggregators: the task's time precision in seconds (default 3600)"),
            ], operands: .none),
        ],
        about: """
              interop-client serves the client API of draft-dcook-ppm-dap-interop-test-design
              (POST /internal/test/ready, POST /internal/test/upload) in the given protocol, for
              Janus's and Daphne's interop test harnesses (docs/dap.md).
              aggregators runs a Leader and a Helper on loopback, made from this package's roles (both
              in this one process: a demonstration of the path, not of two non-colluding parties),
              writes a task file for them (the telemetry's VDAF), and answers GET /collect on the
              Leader with the aggregate as Janus's collector prints it. Behind Scripts/dap-demo.
            """)

    static let commands: [CommandSpec] = [bench, prio3Bench, dpSimulate, ldpSimulate, vdaf, hpke, dap, CommandSpec.help(of: name)]

    static let tool = CommandLineTool(
        name: name, purpose: "The developers' commands: measuring this package (behind Scripts/bench and Scripts/ldp-accuracy), and checking\nit against other implementations (Scripts/hpke-interop, VDAF test vectors). Not part of the users' tool.",
        version: AnonymousSummaryVersion.string, commands: commands)
}
