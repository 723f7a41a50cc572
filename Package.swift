// swift-tools-version:6.0
// No package dependencies: the standard library, Foundation and XCTest only.
import PackageDescription

// `Scripts/fuzz` builds the libFuzzer target with ANONYMOUS_SUMMARY_FUZZ_RUNTIME set to
// libFuzzer's runtime: then the code under test (the core and the report's reader) gets edge
// coverage, and every Swift module the address sanitizer; the checks themselves are not
// instrumented for coverage, so the fuzzer follows the code under test only. Unset (any other
// build, and any package that depends on this one), there are no such flags.
let fuzzRuntime = Context.environment["ANONYMOUS_SUMMARY_FUZZ_RUNTIME"]
let covered: [SwiftSetting] = fuzzRuntime == nil ? [] :
    [.unsafeFlags(["-sanitize=address", "-sanitize-coverage=edge,inline-8bit-counters,pc-table"])]
let sanitized: [SwiftSetting] = fuzzRuntime == nil ? [] : [.unsafeFlags(["-sanitize=address"])]
let fuzzLinked: [LinkerSetting] = fuzzRuntime.map { [.unsafeFlags(["-sanitize=address", $0, "-lstdc++"])] } ?? []

let package = Package(
    name: "AnonymousSummary",
    // What the code needs: Clock, Duration and ContinuousClock (the sender). Tested on Linux;
    // declared, not tested here, for Apple platforms.
    platforms: [.macOS(.v13), .iOS(.v16), .tvOS(.v16), .watchOS(.v9)],
    products: [
        .library(name: "AnonymousSummary", targets: ["AnonymousSummary"]),
        .library(name: "LocalPrivacy", targets: ["LocalPrivacy"]),
        .library(name: "DifferentialPrivacy", targets: ["DifferentialPrivacy"]),
        .library(name: "UsageReport", targets: ["UsageReport"]),
        .library(name: "HPKE", targets: ["HPKE"]),
        .library(name: "VDAF", targets: ["VDAF"]),
        .library(name: "DAP", targets: ["DAP"]),
        .library(name: "ObliviousHTTP", targets: ["ObliviousHTTP"]),
        .library(name: "TelemetrySender", targets: ["TelemetrySender"]),
        .library(name: "TelemetryDAP", targets: ["TelemetryDAP"]),
        .library(name: "TelemetryOHTTP", targets: ["TelemetryOHTTP"]),
        .executable(name: "anonymous-summary", targets: ["anonymous-summary"]),
    ],
    targets: [
        // One target per guarantee: each can be audited with its docs page alone. Every library
        // target but the sender's two uses the standard library only (DifferentialPrivacy also the
        // C library, to read the system CSPRNG in blocks).

        // SHA-256, HMAC, HKDF, SipHash, TurboSHAKE128, X25519, AES-128-GCM, ChaCha20-Poly1305:
        // written from their specifications, `package` access (not a product, so no public name
        // of this package collides with swift-crypto's).
        .target(name: "Primitives", swiftSettings: covered),
        // The content guarantee: YAML subset parser, catalogue and its plugin layout, walk, the
        // exact payload and its schema. (Primitives for SipHash: the layout's fingerprint, the
        // payload's per-process choice.)
        .target(name: "AnonymousSummary", dependencies: ["Primitives"], swiftSettings: covered),
        // Local differential privacy: OUE, the LDP secret, the LDP payload, the estimator.
        .target(name: "LocalPrivacy", dependencies: ["AnonymousSummary", "Primitives"], swiftSettings: covered),
        // Central differential privacy: discrete Gaussian, zCDP accounting, bounded contributions,
        // the release, the ledger behind a store protocol, the random source.
        .target(name: "DifferentialPrivacy", dependencies: ["Primitives"], swiftSettings: covered),
        // The collector's side: strict reader, instances, bounding, counts file, renderers.
        .target(name: "UsageReport", dependencies: ["AnonymousSummary", "LocalPrivacy", "DifferentialPrivacy", "Primitives"], swiftSettings: covered),
        // HPKE (RFC 9180) base mode: DHKEM(X25519, HKDF-SHA256), AES-128-GCM, ChaCha20-Poly1305.
        .target(name: "HPKE", dependencies: ["Primitives"], swiftSettings: covered),
        // Prio3 (IETF CFRG VDAF): fields, FLP, circuits, every role; the draft a value.
        .target(name: "VDAF", dependencies: ["Primitives"], swiftSettings: covered),
        // DAP (IETF PPM): messages, profiles as values. No Foundation.
        .target(name: "DAP", dependencies: ["VDAF", "HPKE", "Primitives"], swiftSettings: covered),
        // Oblivious HTTP (RFC 9458) over known-length Binary HTTP (RFC 9292): key configurations,
        // the client's and the gateway's encapsulation. No Foundation.
        .target(name: "ObliviousHTTP", dependencies: ["HPKE", "Primitives"], swiftSettings: covered),
        // Hex on stdin/stdout for Scripts/ohttp-interop (an independent Python OHTTP): not a product.
        // Primitives' rounding calls libm, which an executable without Foundation must link itself.
        .executableTarget(name: "ohttp-vectors", dependencies: ["ObliviousHTTP", "HPKE"],
                          linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // The timed sender a host links: schedule, opt-outs, https, exact and LDP payloads, one
        // delivery seam (Foundation for URLSession).
        .target(name: "TelemetrySender", dependencies: ["AnonymousSummary", "LocalPrivacy"]),
        // The telemetry measurement for a DAP task and its uploader, on the sender's seam and clock.
        .target(name: "TelemetryDAP", dependencies: ["TelemetrySender", "DAP", "VDAF", "HPKE", "AnonymousSummary"]),
        // What both executables' command lines share: the table's types (CommandSpec, OptionSpec),
        // the parser, exit codes and failures, reading inputs (Foundation; AnonymousSummary for the
        // input limit). Not a product.
        .target(name: "CommandLineSupport", dependencies: ["AnonymousSummary"]),
        // Every request through an Oblivious HTTP relay: the transport a host plugs into the sender's
        // seam so that no target (collector, Leader, Helper) sees its address (Foundation).
        .target(name: "TelemetryOHTTP", dependencies: ["TelemetrySender", "ObliviousHTTP", "HPKE"]),
        // The users' command-line tool: prints exactly what would be sent, sends it, reports on it.
        .executableTarget(name: "anonymous-summary", dependencies: [
            "CommandLineSupport", "AnonymousSummary", "LocalPrivacy", "DifferentialPrivacy", "UsageReport", "TelemetrySender",
            "TelemetryDAP", "TelemetryOHTTP", "VDAF", "DAP", "Primitives"]),
        // The developers' commands (bench, prio3-bench, dp-simulate, ldp-simulate, vdaf, hpke): the
        // measuring loops behind Scripts/ and the outside checks. Not a declared product, so a package
        // that depends on this one never sees it; in this package `swift build` builds it and
        // `swift run anonymous-summary-dev` runs it (SwiftPM makes a product of every root executable).
        .executableTarget(name: "anonymous-summary-dev", dependencies: [
            "CommandLineSupport", "AnonymousSummary", "LocalPrivacy", "DifferentialPrivacy", "UsageReport", "TelemetryDAP",
            "VDAF", "DAP", "HPKE", "Primitives"]),
        // The invariants every input must keep (no crash, bounded, payload closed and anonymous),
        // shared by the libFuzzer target, `Scripts/fuzz replay` and the corpus replay in `swift test`.
        .target(name: "SummaryChecks", dependencies: ["Primitives", "AnonymousSummary", "LocalPrivacy", "UsageReport", "TelemetryDAP", "VDAF", "DAP"],
                swiftSettings: sanitized),
        // libFuzzer entry point (built by Scripts/fuzz with -DFUZZING); without it, replays files.
        .executableTarget(name: "anonymous-summary-fuzz", dependencies: ["AnonymousSummary", "SummaryChecks"],
                          swiftSettings: sanitized, linkerSettings: fuzzLinked),
        // Tests by layer: each target's tests depend on it and what it depends on (and SummaryChecks
        // for its seeded generator); the command line's (which run both built executables) are apart.
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "PrimitivesTests", dependencies: ["Primitives", "TestSupport"]),
        .testTarget(name: "AnonymousSummaryTests", dependencies: ["AnonymousSummary", "Primitives", "SummaryChecks", "TestSupport"]),
        .testTarget(name: "LocalPrivacyTests", dependencies: ["LocalPrivacy", "AnonymousSummary", "Primitives", "SummaryChecks", "TestSupport"]),
        .testTarget(name: "DifferentialPrivacyTests", dependencies: ["DifferentialPrivacy", "Primitives"]),
        .testTarget(name: "UsageReportTests", dependencies: ["UsageReport", "Primitives", "DifferentialPrivacy", "LocalPrivacy", "AnonymousSummary", "SummaryChecks"]),
        .testTarget(name: "PropertyTests", dependencies: ["AnonymousSummary", "LocalPrivacy", "UsageReport", "SummaryChecks", "TestSupport", "Primitives"]),
        .testTarget(name: "HPKETests", dependencies: ["HPKE", "Primitives", "TestSupport"]),
        .testTarget(name: "TelemetryOHTTPTests", dependencies: ["TelemetryOHTTP", "TelemetryDAP", "TelemetrySender", "ObliviousHTTP", "DAP", "HPKE",
                                                                "AnonymousSummary", "Primitives"]),
        .testTarget(name: "ObliviousHTTPTests", dependencies: ["ObliviousHTTP", "HPKE", "Primitives"]),
        .testTarget(name: "DAPTests", dependencies: ["DAP", "HPKE", "VDAF", "TestSupport"]),
        .testTarget(name: "VDAFTests", dependencies: ["VDAF", "Primitives", "SummaryChecks", "TestSupport"], exclude: ["Vectors"]),
        .testTarget(name: "TelemetrySenderTests", dependencies: ["TelemetrySender", "TelemetryDAP", "AnonymousSummary", "LocalPrivacy", "VDAF", "DAP",
                                                                 "HPKE", "UsageReport", "SummaryChecks", "TestSupport", "Primitives"]),
        .testTarget(name: "CLITests", dependencies: ["anonymous-summary", "anonymous-summary-dev", "CommandLineSupport", "AnonymousSummary", "Primitives", "LocalPrivacy", "UsageReport", "DifferentialPrivacy", "TestSupport"]),
    ]
)
