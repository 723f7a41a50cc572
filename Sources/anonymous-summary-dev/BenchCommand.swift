import AnonymousSummary
import LocalPrivacy
import DifferentialPrivacy
import Primitives
import Foundation
import CommandLineSupport

/// `anonymous-summary-dev bench`: the measuring loop behind `Scripts/bench` (its options and
/// output: `CommandTable.bench`).
enum BenchCommand {
    static var usage: String { CommandTable.bench.help }

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let parsed = try CLI.parse(arguments, CommandTable.bench)
        let (flags, operands) = (parsed.flags, parsed.operands)
        guard operands.count == 1 else { throw CLIFailure(code: .usage, message: usage) }
        let budget = try CLI.number(flags, "--seconds", 3.0, "a number of seconds above 0") { $0 > 0 && $0 < 1e6 }
        let bytes = try CLI.readInput(operands[0])
        let summarise = flags["--summarise"] != nil
        let summariser = Summariser()
        let id = InstanceID.random()
        let baseline = peakResidentBytes()
        var parseTimes: [Double] = []
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int(budget * 1000)))
        repeat {
            let start = clock.now
            do {
                if summarise {
                    let usage = try summariser.usage(of: [ConfigSource(bytes, name: operands[0])])
                    let payload = Summary(id: id, uptimeSeconds: 0, usage: usage).jsonBytes()
                    if (usage.components.isEmpty && flags["--allow-empty"] == nil) || payload.isEmpty {
                        throw CLIFailure(code: .dataError, message: "no component found")
                    }
                } else {
                    let document = try YAML.parseDocument(bytes)
                    if document.roots.isEmpty { throw CLIFailure(code: .dataError, message: "no document") }
                }
            } catch let error as YAMLError {
                throw CLIFailure(code: .dataError, message: error.formatted(file: operands[0]))
            } catch let error as SummaryError {
                throw CLIFailure(code: .dataError, message: error.description)
            } catch let failure as CLIFailure {
                throw failure
            } catch {
                throw CLIFailure(code: .dataError, message: "\(error)")
            }
            parseTimes.append(seconds(clock.now - start))
        } while flags["--once"] == nil && (clock.now < deadline || parseTimes.count < 3)
        let mb = Double(bytes.count) / 1_000_000
        let sorted = parseTimes.sorted()
        let median = sorted[sorted.count / 2]
        let best = sorted[0]
        print("{\"mode\":\"\(summarise ? "summarise" : "parse")\",\"bytes\":\(bytes.count),\"runs\":\(parseTimes.count),\"median_mb_s\":\(round1(mb / median)),"
              + "\"best_mb_s\":\(round1(mb / best)),\"peak_rss_bytes\":\(peakResidentBytes()),"
              + "\"rss_before_bytes\":\(baseline)}")
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }

    /// VmHWM from /proc/self/status (Linux), in bytes; 0 where it is not available.
    static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter { $0.isNumber }
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }
}
