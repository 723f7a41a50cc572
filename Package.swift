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
        .library(name: "TelemetrySender", targets: ["TelemetrySender"]),
        .library(name: "UsageReport", targets: ["UsageReport"]),
        .library(name: "PrivateAggregation", targets: ["PrivateAggregation"]),
        .library(name: "HPKE", targets: ["HPKE"]),
        .executable(name: "anonymous-summary", targets: ["anonymous-summary"]),
    ],
    targets: [
        // The audited core: YAML subset parser, catalogue, walk, closed payload, encoder.
        // Standard library only (no Foundation), so reviewers and fuzzers have little to read.
        .target(name: "AnonymousSummary", swiftSettings: covered),
        // The other half of the loop: collected payloads, read strictly, into plugin frequencies
        // and pairings with a k-threshold. Standard library only, like the core it reads with.
        .target(name: "UsageReport", dependencies: ["AnonymousSummary"], swiftSettings: covered),
        // Prio3 (IETF CFRG VDAF draft 20): fields, TurboSHAKE128, the FLP and every role.
        // Standard library only, like the core.
        .target(name: "PrivateAggregation", dependencies: ["AnonymousSummary", "HPKE"], swiftSettings: covered),
        // HPKE (RFC 9180) base mode with X25519, HKDF-SHA256, AES-128-GCM and ChaCha20-Poly1305,
        // written from their specifications. Standard library only.
        .target(name: "HPKE", dependencies: ["AnonymousSummary"]),
        // The timed sender a host links to deliver the payload (Foundation for URLSession).
        .target(name: "TelemetrySender", dependencies: ["AnonymousSummary", "PrivateAggregation", "HPKE"]),
        // The command-line tool: prints exactly what would be sent.
        .executableTarget(name: "anonymous-summary", dependencies: ["AnonymousSummary", "TelemetrySender", "UsageReport", "PrivateAggregation", "HPKE"]),
        // The invariants every input must keep (no crash, bounded, payload closed and anonymous),
        // shared by the libFuzzer target, `Scripts/fuzz replay` and the corpus replay in `swift test`.
        .target(name: "SummaryChecks", dependencies: ["AnonymousSummary", "UsageReport", "PrivateAggregation"], swiftSettings: sanitized),
        // libFuzzer entry point (built by Scripts/fuzz with -DFUZZING); without it, replays files.
        .executableTarget(name: "anonymous-summary-fuzz", dependencies: ["AnonymousSummary", "SummaryChecks"],
                          swiftSettings: sanitized, linkerSettings: fuzzLinked),
        // The unit tests also run the built tool (CLITests), so it is a dependency.
        .testTarget(name: "AnonymousSummaryTests", dependencies: ["AnonymousSummary", "SummaryChecks", "UsageReport", "anonymous-summary"]),
        .testTarget(name: "TelemetrySenderTests", dependencies: ["TelemetrySender", "AnonymousSummary", "PrivateAggregation", "HPKE", "UsageReport"]),
        .testTarget(name: "UsageReportTests", dependencies: ["UsageReport", "AnonymousSummary", "SummaryChecks"]),
        .testTarget(name: "PropertyTests", dependencies: ["AnonymousSummary", "UsageReport", "SummaryChecks"]),
        .testTarget(name: "PrivateAggregationTests", dependencies: ["PrivateAggregation", "AnonymousSummary", "SummaryChecks"], exclude: ["Vectors"]),
        .testTarget(name: "HPKETests", dependencies: ["HPKE"]),
    ]
)
