import HPKE
import VDAF

/// The aggregators' side of an upload, for this package's tests and its loopback demonstration
/// (`Scripts/dap-demo`): each report's input shares opened by the Leader and the Helper with
/// their own keys, verified together (one round, Prio3), and the verified output shares summed
/// into each aggregator's aggregate share. Not the aggregation protocol between two servers
/// (no aggregation jobs, no batch bookkeeping): the VDAF's and HPKE's part of it.
package enum DAPAggregation {
    package struct Aggregator {
        package var key: HPKEPrivateKey
        package var config: DAPHpkeConfig
        package init(key: HPKEPrivateKey, config: DAPHpkeConfig) {
            self.key = key
            self.config = config
        }
    }

    package struct Result<F: PrioField> {
        /// The Leader's and the Helper's aggregate shares.
        package var shares: [[F]]
        package var accepted: Int
        /// Reports that did not open or did not verify.
        package var refused: Int
    }

    /// `tamper` changes a report's decrypted Leader share before verification (tests: a client that
    /// encrypted a bad share).
    package static func aggregate<V: ValidityCircuit>(
        _ vdaf: Prio3<V>, reports: [DAPReport], profile: DAPProfile, taskID: DAPTaskID, task: DAPTaskConfiguration?,
        leader: Aggregator, helper: Aggregator, verifyKey: [UInt8], tamper: (Int, inout [UInt8]) -> Void = { _, _ in }
    ) -> Result<V.F> {
        let ctx = profile.vdafContext(taskID: taskID)
        var out: [[[V.F]]] = [[], []]
        var refused = 0
        for (n, report) in reports.enumerated() {
            do {
                let publicShare = try vdaf.decodePublicShare(report.publicShare)
                var leaderBytes = try DAPReportMaker.openInputShare(report, role: .leader, privateKey: leader.key, config: leader.config,
                                                                    profile: profile, taskID: taskID, task: task)
                let helperBytes = try DAPReportMaker.openInputShare(report, role: .helper, privateKey: helper.key, config: helper.config,
                                                                    profile: profile, taskID: taskID, task: task)
                tamper(n, &leaderBytes)
                let l = try vdaf.verifyInit(verifyKey: verifyKey, ctx: ctx, aggID: 0, nonce: report.reportID, publicShare: publicShare,
                                            inputShare: try vdaf.decodeInputShare(leaderBytes, aggID: 0))
                let h = try vdaf.verifyInit(verifyKey: verifyKey, ctx: ctx, aggID: 1, nonce: report.reportID, publicShare: publicShare,
                                            inputShare: try vdaf.decodeInputShare(helperBytes, aggID: 1))
                let message = try vdaf.verifierSharesToMessage(ctx: ctx, [l.share, h.share])
                let outL = try vdaf.verifyNext(l.state, message: message)
                let outH = try vdaf.verifyNext(h.state, message: message)
                out[0].append(outL)
                out[1].append(outH)
            } catch {
                refused += 1
            }
        }
        return Result(shares: [vdaf.aggregate(out[0]), vdaf.aggregate(out[1])], accepted: out[0].count, refused: refused)
    }

    /// The collector's step: the aggregate from the two aggregate shares, as whole numbers.
    package static func unshard<V: ValidityCircuit>(_ vdaf: Prio3<V>, _ result: Result<V.F>) -> [UInt64] {
        vdaf.unshard(result.shares).map { $0.words.high == 0 ? $0.words.low : .max }
    }
}
