// example-host: what a host does with this package, and nothing else.
//
//   example-host CONFIG.yaml [--run-for SECONDS] [--telemetry-endpoint URL] [--disable-telemetry]
//
// It "runs" its pipeline for --run-for seconds (default: until interrupted), with the telemetry
// sender beside it. EXAMPLE_HOST_TELEMETRY=off or DO_NOT_TRACK=1 turn telemetry off;
// EXAMPLE_HOST_TELEMETRY_DEBUG=1 prints each payload on standard error instead of sending it.
// The README's integration code is this file.
import AnonymousSummary
import Foundation
import TelemetrySender

func log(_ message: String) {
    FileHandle.standardError.write(Data("example-host: \(message)\n".utf8))
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let configPath = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }),
      let configBytes = FileManager.default.contents(atPath: configPath) else {
    log("usage: example-host CONFIG.yaml [--run-for SECONDS] [--telemetry-endpoint URL] [--disable-telemetry]")
    exit(64)
}
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

// 1. The host's telemetry settings. No endpoint: nothing is ever sent.
let configuration: TelemetryConfiguration
do {
    configuration = try TelemetryConfiguration(
        endpoint: option("--telemetry-endpoint").flatMap(URL.init(string:)),   // https only (http to loopback for tests)
        initialDelay: .seconds(Double(option("--telemetry-initial-delay") ?? "300") ?? 300),
        initialJitter: .seconds(Double(option("--telemetry-jitter") ?? "3600") ?? 3600),   // the first send: a random moment in the hour after
        userAgent: "example-host/1.0 anonymous-summary/\(AnonymousSummaryVersion.string)",
        hostVariable: "EXAMPLE_HOST_TELEMETRY",                                // =off opts out
        debugVariable: "EXAMPLE_HOST_TELEMETRY_DEBUG")                         // =1 prints instead
} catch {
    log("bad telemetry endpoint: \(error)")
    exit(64)
}

// 2. Decide once, from the arguments and the environment, and say what was decided.
let status = TelemetryStatus.decide(arguments: arguments, environment: ProcessInfo.processInfo.environment,
                                    configuration: configuration)
log(status.description)

// 3. Summarise the config: a bad config is the host's own error to report; telemetry never is.
let usage: ComponentUsage
do {
    usage = try Summariser().usage(of: [ConfigSource(Array(configBytes), name: configPath)])
} catch {
    log("\(error)")
    exit(65)
}

// 4. Run the sender beside the host's own work, in one task group; cancelling the group (at
//    shutdown) stops it within a second, also mid-request.
let sender = TelemetrySender(configuration: configuration, status: status, usage: usage,
                             log: { log($0) })
let runFor = Double(option("--run-for") ?? "") ?? .infinity
await withTaskGroup(of: Bool.self) { group in
    group.addTask { await sender.run(); return false }     // returns at once when telemetry is off
    group.addTask {                                       // the host's own work
        log("running \(configPath)")
        try? await Task.sleep(for: runFor.isFinite ? .seconds(runFor) : .seconds(86_400 * 365))
        log("done")
        return true
    }
    for await isWork in group where isWork { break }      // until the work ends
    group.cancelAll()                                     // stops the sender
}
