// swift-tools-version:6.0
// A host program as a user of this package writes one: it depends on the package (here by
// path; a host would use `.package(url: "…", from: "0.3.0")`), reads its config, decides, logs
// and runs the telemetry sender. `.ci/run` builds it and runs it once in debug mode.
import PackageDescription

let package = Package(
    name: "ExampleHost",
    platforms: [.macOS(.v13), .iOS(.v16), .tvOS(.v16), .watchOS(.v9)],
    dependencies: [.package(name: "AnonymousSummary", path: "../..")],
    targets: [
        .executableTarget(name: "example-host", dependencies: [
            .product(name: "AnonymousSummary", package: "AnonymousSummary"),
            .product(name: "TelemetrySender", package: "AnonymousSummary"),
        ], path: "Sources/ExampleHost"),
    ]
)
