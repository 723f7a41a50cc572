import AnonymousSummary
import CommandLineSupport
import DifferentialPrivacy
import Foundation
import TelemetryDAP
import UsageReport

/// `anonymous-summary dap-counts --dap-task FILE RESULT|-`: a DAP collection's aggregate result into
/// the counts file that `report --counts` releases with differential privacy.
///
/// Reads what Janus's `collect` prints (`Number of reports: N` and `Aggregation result: [...]`,
/// other lines ignored) or `{"report_count": N, "aggregate_result": [...]}`, and maps the entries
/// through the telemetry's layout: plugin presence, pairs, uptime buckets (DAP's five into the
/// report's four: 30 days or more counts as "longer"). The release's bounds are the client's:
/// at most `presenceMaxWeight` plugins a report (so C = 15; the pairs' bound C(C−1)/2 = 105 is
/// above the 21 a report can set: more noise than needed, never less).
enum DAPCountsCommand {
    static var usage: String { CommandTable.dapCounts.help }

    struct ResultError: Error { var message: String }

    /// (report count, entries) from Janus's collect output or the small JSON.
    static func result(_ bytes: [UInt8]) throws(ResultError) -> (Int, [Int]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if text.drop(while: { $0 == " " || $0 == "\n" }).hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], Set(object.keys) == ["report_count", "aggregate_result"],
                  let n = object["report_count"] as? Int, let values = object["aggregate_result"] as? [Int] else {
                throw ResultError(message: "not {\"report_count\": N, \"aggregate_result\": [...]} with whole numbers")
            }
            return (n, values)
        }
        var n: Int?, values: [Int]?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Number of reports: ") { n = Int(line.dropFirst("Number of reports: ".count).trimmingCharacters(in: .whitespaces)) }
            if line.hasPrefix("Aggregation result: [") && line.hasSuffix("]") {
                let inner = line.dropFirst("Aggregation result: [".count).dropLast()
                values = inner.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) ?? -1 }
            }
        }
        guard let n, let values, !values.contains(-1) else {
            throw ResultError(message: "neither Janus's collect output (\"Number of reports: N\", \"Aggregation result: [...]\") nor the small JSON")
        }
        return (n, values)
    }

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let parsed = try CLI.parse(arguments, CommandTable.dapCounts)
        guard parsed.operands.count == 1 else { throw CLIFailure(code: .usage, message: usage) }
        let telemetry = try DAPArguments.telemetry(parsed.flags)
        let name = CLI.displayName(parsed.operands[0])
        let layout = telemetry.layout
        let (reports, values): (Int, [Int])
        do {
            (reports, values) = try result(try CLI.readInput(parsed.operands[0], limit: 16 << 20))
        } catch let error as ResultError {
            throw CLIFailure(code: .dataError, message: "\(name): \(error.message)")
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure(code: .software, message: "\(error)")
        }
        guard values.count == layout.length else {
            throw CLIFailure(code: .dataError, message: "\(name): \(values.count) entries; the task's layout has \(layout.length) (schema --dap-layout)")
        }
        let catalog = ComponentCatalog.benthos
        var pairs: [(PluginName, PluginName, Int)] = []
        for k in 0..<TelemetryMeasurement.pairCount {
            let (a, b) = DAPTelemetryLayout.pair(k)
            let p = TelemetryMeasurement.pairPlugins
            guard let x = catalog.plugin(named: p[a].1.description, kind: p[a].0), let y = catalog.plugin(named: p[b].1.description, kind: p[b].0) else {
                throw CLIFailure(code: .software, message: "pair plugin \(p[a].1) or \(p[b].1) is not in the catalogue")
            }
            pairs.append((x, y, values[layout.pairsStart + k]))
        }
        let buckets = Array(values[layout.uptimeStart...])
        let uptime = [buckets[0], buckets[1], buckets[2], buckets[3] + buckets[4]]
        let bounds = ContributionBounds(maxPlugins: Int(TelemetryMeasurement.presenceMaxWeight))
        let counts: CountsFile
        do {
            counts = try CountsFile(dapReports: reports, presence: Array(values[0..<layout.pairsStart]), pairs: pairs, uptime: uptime,
                                    index: CatalogIndex(), bounds: bounds,
                                    attestation: "a DAP collection (\(telemetry.task.profile), Prio3SumVec): each report sets at most "
                                        + "\(TelemetryMeasurement.presenceMaxWeight) plugins, \(TelemetryMeasurement.pairsMaxWeight) pairs and one uptime bucket, "
                                        + "a bound the client keeps (the aggregators' proof checks each entry is 0 or 1)")
        } catch {
            throw CLIFailure(code: .dataError, message: "\(name): \(error.message)")
        }
        FileHandle.standardOutput.write(Data(counts.json.utf8))
    }
}
