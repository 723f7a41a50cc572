import AnonymousSummary
import LocalPrivacy
import DifferentialPrivacy
import Primitives
import Foundation
import VDAF
import DAP
import TelemetryDAP
import UsageReport
import CommandLineSupport

/// `anonymous-summary dap-counts FILE|-`: a DAP collection's aggregate result into the counts
/// file that `report --counts` releases with differential privacy.
///
/// Reads `{"report_count": N, "aggregate_result": [342 integers]}`: the number of reports in the
/// batch and the unsharded Prio3MultihotCountVec sum of the presence measurement, in the
/// catalogue's LDP layout (plugins in catalogue order, then the 9 kinds' unlisted bits). This is
/// the shape Janus's `collect` tool and Divvi Up's command-line client print the result in (the
/// count and the vector); their surrounding text differs between versions, so the two values
/// are taken as this small JSON rather than parsed from either tool's output.
enum DAPCountsCommand {
    static var usage: String { CommandTable.dapCounts.help }

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let operands = try CLI.parse(arguments, CommandTable.dapCounts).operands
        guard operands.count == 1 else { throw CLIFailure(code: .usage, message: usage) }
        let name = CLI.displayName(operands[0])
        let bytes = try CLI.readInput(operands[0], limit: 16 << 20)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              Set(object.keys) == ["report_count", "aggregate_result"] else {
            throw CLIFailure(code: .dataError, message: "\(name): not {\"report_count\", \"aggregate_result\"}")
        }
        let index = CatalogIndex()
        let layout = index.layout
        let n: Int
        do { n = try CountsFile.integer(object["report_count"], "report_count") } catch { throw CLIFailure(code: .dataError, message: "\(name): \(error.message)") }
        guard let values = object["aggregate_result"] as? [Any], values.count == layout.width else {
            throw CLIFailure(code: .dataError, message: "\(name): aggregate_result must hold \(layout.width) integers (the catalogue's layout)")
        }
        var sums: [Int] = []
        for (i, v) in values.enumerated() {
            do { sums.append(try CountsFile.integer(v, "aggregate_result[\(i)]")) } catch { throw CLIFailure(code: .dataError, message: "\(name): \(error.message)") }
            guard sums[i] <= n else { throw CLIFailure(code: .dataError, message: "\(name): aggregate_result[\(i)] is over report_count") }
        }
        var agg = Aggregates(pluginCount: index.count)
        agg.instances = n
        for (p, name) in layout.plugins.enumerated() {
            if let number = index.number(of: name) { agg.pluginInstances[number] = sums[p] }
        }
        for (k, kind) in layout.kinds.enumerated() {
            if let position = CatalogIndex.kinds.firstIndex(of: kind) { agg.unlisted[position] = sums[layout.plugins.count + k] }
        }
        // Each report sets at most 15 bits (the presence measurement's max weight): that is the bound.
        FileHandle.standardOutput.write(Data(agg.countsJSON(index: index, bounds: ContributionBounds(maxPlugins: Int(TelemetryMeasurement.presenceMaxWeight))).utf8))
    }
}
