import HPKE
import VDAF

/// Why a report could not be made or opened.
public enum DAPReportError: Error, Equatable, Sendable, CustomStringConvertible {
    case noSupportedConfig(DAPRole)
    case prio3(Prio3Error)
    case hpke(HPKEError)
    case coding(DAPCodingError)
    case unknownConfigID(UInt8)

    /// An HPKE or coding error of a report's making or opening, as this type.
    init(_ error: any Error) {
        switch error {
        case let e as DAPCodingError: self = .coding(e)
        case let e as HPKEError: self = .hpke(e)
        case let e as DAPReportError: self = e
        default: self = .coding(.malformed("\(error)"))
        }
    }

    public var description: String {
        switch self {
        case .noSupportedConfig(let role):
            "the \(role) advertises no HPKE configuration this client supports (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM or ChaCha20-Poly1305)"
        case .prio3(let e): "Prio3: \(e)"
        case .hpke(let e): "HPKE: \(e)"
        case .coding(let e): "\(e)"
        case .unknownConfigID(let id): "an input share sealed to HPKE configuration \(id), which is not this aggregator's"
        }
    }
}

/// The client's one operation (and, for tests and the loopback demonstration, an aggregator's
/// first step): a report of a measurement for a task, and its input shares opened again.
public enum DAPReportMaker {
    /// A report of `measurement`: a fresh report id and sharding randomness from `g` (the system
    /// CSPRNG in the sender), the shares sealed to each aggregator's first usable configuration.
    /// `task` is DAP-18's task configuration (bound into the AAD); DAP-09 has none.
    public static func makeReport<V: ValidityCircuit, G: RandomNumberGenerator>(
        _ vdaf: Prio3<V>, measurement: V.Measurement, profile: DAPProfile, taskID: DAPTaskID, task: DAPTaskConfiguration?,
        time: UInt64, leaderConfigs: DAPHpkeConfigList, helperConfigs: DAPHpkeConfigList, using g: inout G
    ) throws(DAPReportError) -> DAPReport {
        guard let leader = leaderConfigs.firstUsable else { throw .noSupportedConfig(.leader) }
        guard let helper = helperConfigs.firstUsable else { throw .noSupportedConfig(.helper) }
        let reportID = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        let sharded: (publicShare: [[UInt8]]?, inputShares: [Prio3InputShare<V.F>])
        do {
            let rand = (0..<vdaf.randSize).map { _ in UInt8.random(in: 0...255, using: &g) }
            sharded = try vdaf.shard(profile.vdafContext(taskID: taskID), measurement, nonce: reportID, rand: rand)
        } catch {
            throw .prio3(error)
        }
        let empty = DAPHpkeCiphertext(configID: 0, encapsulatedKey: [], payload: [])
        var report = DAPReport(reportID: reportID, time: time, publicShare: vdaf.encodePublicShare(sharded.publicShare),
                               leaderShare: empty, helperShare: empty)
        do {
            let aad = try DAPUpload.inputShareAad(profile, taskID: taskID, task: task, report: report)
            for (index, role, chosen) in [(0, DAPRole.leader, leader), (1, DAPRole.helper, helper)] {
                let plaintext = try DAPUpload.plaintextInputShare(vdaf.encodeInputShare(sharded.inputShares[index]))
                var sender = try HPKESender(recipientKey: chosen.key, ciphersuite: chosen.ciphersuite, info: profile.inputShareInfo(role), using: &g)
                let ct = DAPHpkeCiphertext(configID: chosen.config.id, encapsulatedKey: sender.encapsulatedKey,
                                           payload: try sender.seal(plaintext, authenticating: aad))
                if role == .leader { report.leaderShare = ct } else { report.helperShare = ct }
            }
        } catch {
            throw DAPReportError(error)
        }
        return report
    }

    /// An aggregator's side: its input share of `report` (the VDAF's encoding), decrypted.
    public static func openInputShare(_ report: DAPReport, role: DAPRole, privateKey: HPKEPrivateKey, config: DAPHpkeConfig,
                                      profile: DAPProfile, taskID: DAPTaskID, task: DAPTaskConfiguration?) throws(DAPReportError) -> [UInt8] {
        let ct = role == .leader ? report.leaderShare : report.helperShare
        guard ct.configID == config.id else { throw .unknownConfigID(ct.configID) }
        guard let (suite, _) = config.usable else { throw .noSupportedConfig(role) }
        do {
            let aad = try DAPUpload.inputShareAad(profile, taskID: taskID, task: task, report: report)
            var recipient = try HPKERecipient(privateKey: privateKey, ciphersuite: suite, info: profile.inputShareInfo(role),
                                              encapsulatedKey: ct.encapsulatedKey)
            return try DAPUpload.payload(ofPlaintextInputShare: try recipient.open(ct.payload, authenticating: aad))
        } catch {
            throw DAPReportError(error)
        }
    }
}
