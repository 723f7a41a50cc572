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
        // Each report sets at most `presenceMaxWeight` bits (the VDAF's validity proof checks
        // it): the bound the counts file records and its release is calibrated to.
        let counts: CountsFile
        do {
            counts = try CountsFile(dapAggregate: bytes, index: CatalogIndex(), maxWeight: Int(TelemetryMeasurement.presenceMaxWeight))
        } catch {
            throw CLIFailure(code: .dataError, message: "\(name): \(error.message)")
        }
        FileHandle.standardOutput.write(Data(counts.json.utf8))
    }
}
