import Primitives
import VDAF
import HPKE

/// The client's side of the IETF Distributed Aggregation Protocol, draft-ietf-ppm-dap-18
/// ("dap-18"): the messages a client reads and writes (the HPKE configuration list, the upload
/// request and what it encrypts), in the draft's TLS presentation-language encodings. Standard
/// library only; the HTTP lives in TelemetrySender.
public enum DAP {
    public static let version = "dap-18"

    public enum Role: UInt8, Sendable { case collector = 0, client = 1, leader = 2, helper = 3 }

    public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed(String)

        public var description: String {
            switch self { case .malformed(let what): "malformed (\(what))" }
        }
    }

    // MARK: Encoding helpers

    struct Writer {
        var bytes: [UInt8] = []
        mutating func u8(_ v: UInt8) { bytes.append(v) }
        mutating func u16(_ v: UInt16) { bytes += [UInt8(v >> 8), UInt8(v & 0xff)] }
        mutating func u32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8((v >> UInt32(s)) & 0xff)) } }
        mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((v >> UInt64(s)) & 0xff)) } }
        mutating func opaque8(_ b: [UInt8]) { u8(UInt8(min(b.count, 255))); bytes += b.prefix(255) }
        mutating func opaque16(_ b: [UInt8]) { u16(UInt16(min(b.count, 65_535))); bytes += b.prefix(65_535) }
        mutating func opaque32(_ b: [UInt8]) { u32(UInt32(truncatingIfNeeded: b.count)); bytes += b }
    }

    struct Reader {
        let bytes: [UInt8]
        var at = 0
        init(_ b: [UInt8]) { bytes = b }
        var done: Bool { at == bytes.count }
        mutating func take(_ n: Int) throws(DecodeError) -> [UInt8] {
            guard n >= 0, n <= bytes.count - at else { throw .malformed("truncated") }
            defer { at += n }
            return Array(bytes[at..<(at + n)])
        }
        mutating func u8() throws(DecodeError) -> UInt8 { try take(1)[0] }
        mutating func u16() throws(DecodeError) -> UInt16 { let b = try take(2); return UInt16(b[0]) << 8 | UInt16(b[1]) }
        mutating func u32() throws(DecodeError) -> UInt32 { try take(4).reduce(0) { $0 << 8 | UInt32($1) } }
        mutating func u64() throws(DecodeError) -> UInt64 { try take(8).reduce(0) { $0 << 8 | UInt64($1) } }
        mutating func opaque16() throws(DecodeError) -> [UInt8] { try take(Int(try u16())) }
        mutating func opaque32() throws(DecodeError) -> [UInt8] {
            guard let n = Int(exactly: try u32()) else { throw .malformed("a length past this platform's Int") }
            return try take(n)
        }
    }

    // MARK: HPKE configuration

    public struct HpkeConfig: Equatable, Sendable {
        public var id: UInt8
        public var kemID: UInt16
        public var kdfID: UInt16
        public var aeadID: UInt16
        public var publicKey: [UInt8]
        public init(id: UInt8, kemID: UInt16, kdfID: UInt16, aeadID: UInt16, publicKey: [UInt8]) {
            (self.id, self.kemID, self.kdfID, self.aeadID, self.publicKey) = (id, kemID, kdfID, aeadID, publicKey)
        }
    }

    /// `HpkeConfig HpkeConfigList<10..2^16-1>`.
    public static func decodeHpkeConfigList(_ bytes: [UInt8]) throws(DecodeError) -> [HpkeConfig] {
        var r = Reader(bytes)
        let list = try r.opaque16()
        guard r.done else { throw .malformed("bytes after the config list") }
        guard list.count >= 10 else { throw .malformed("a config list under 10 bytes") }
        var inner = Reader(list)
        var configs: [HpkeConfig] = []
        while !inner.done {
            let id = try inner.u8(), kem = try inner.u16(), kdf = try inner.u16(), aead = try inner.u16()
            let key = try inner.opaque16()
            guard !key.isEmpty else { throw .malformed("an empty public key") }
            configs.append(HpkeConfig(id: id, kemID: kem, kdfID: kdf, aeadID: aead, publicKey: key))
        }
        return configs
    }

    public static func encodeHpkeConfigList(_ configs: [HpkeConfig]) -> [UInt8] {
        var inner = Writer()
        for c in configs {
            inner.u8(c.id); inner.u16(c.kemID); inner.u16(c.kdfID); inner.u16(c.aeadID); inner.opaque16(c.publicKey)
        }
        var w = Writer()
        w.opaque16(inner.bytes)
        return w.bytes
    }

    // MARK: The task

    /// `TaskConfiguration` (its encoding goes into every `InputShareAad`).
    public struct TaskConfiguration: Equatable, Sendable {
        public var taskInfo: [UInt8]
        public var leaderEndpoint: [UInt8]
        public var helperEndpoint: [UInt8]
        public var timePrecision: UInt64
        public var minBatchSize: UInt64
        /// 1 time_interval, 2 leader_selected.
        public var batchMode: UInt8
        public var vdafType: UInt32
        public var vdafConfiguration: [UInt8]

        public init(taskInfo: [UInt8], leaderEndpoint: String, helperEndpoint: String, timePrecision: UInt64, minBatchSize: UInt64,
                    batchMode: UInt8 = 1, vdafType: UInt32, vdafConfiguration: [UInt8]) {
            self.taskInfo = taskInfo
            self.leaderEndpoint = Array(leaderEndpoint.utf8)
            self.helperEndpoint = Array(helperEndpoint.utf8)
            self.timePrecision = timePrecision
            self.minBatchSize = minBatchSize
            self.batchMode = batchMode
            self.vdafType = vdafType
            self.vdafConfiguration = vdafConfiguration
        }

        public func encoded() -> [UInt8] {
            var w = Writer()
            w.opaque8(taskInfo)
            w.opaque16(leaderEndpoint)
            w.opaque16(helperEndpoint)
            w.u64(timePrecision)
            w.u64(minBatchSize)
            w.u8(batchMode)
            w.opaque16([])          // batch_config: empty for time_interval and leader_selected
            w.u32(vdafType)
            w.opaque16(vdafConfiguration)
            w.opaque16([])          // no task extension
            return w.bytes
        }
    }

    /// `Prio3MultihotCountVecConfig`.
    public static func multihotCountVecConfiguration(length: Int, chunkLength: Int, maxWeight: UInt64) -> [UInt8] {
        var w = Writer()
        w.u32(UInt32(length)); w.u32(UInt32(chunkLength)); w.u64(maxWeight)
        return w.bytes
    }

    // MARK: The report

    public struct HpkeCiphertext: Equatable, Sendable {
        public var configID: UInt8
        public var enc: [UInt8]
        public var payload: [UInt8]
        func encode(into w: inout Writer) { w.u8(configID); w.opaque16(enc); w.opaque32(payload) }
        static func decode(_ r: inout Reader) throws(DecodeError) -> HpkeCiphertext {
            HpkeCiphertext(configID: try r.u8(), enc: try r.opaque16(), payload: try r.opaque32())
        }
    }

    public struct Report: Equatable, Sendable {
        public var reportID: [UInt8]
        public var time: UInt64
        public var publicShare: [UInt8]
        public var leaderShare: HpkeCiphertext
        public var helperShare: HpkeCiphertext

        /// `ReportMetadata` (with no public extension).
        public var metadata: [UInt8] {
            var w = Writer()
            w.bytes += reportID; w.u64(time); w.opaque16([])
            return w.bytes
        }

        func encode(into w: inout Writer) {
            w.bytes += metadata
            w.opaque32(publicShare)
            leaderShare.encode(into: &w)
            helperShare.encode(into: &w)
        }

        static func decode(_ r: inout Reader) throws(DecodeError) -> Report {
            let id = try r.take(16), time = try r.u64()
            _ = try r.opaque16()  // public extensions
            return Report(reportID: id, time: time, publicShare: try r.opaque32(),
                          leaderShare: try HpkeCiphertext.decode(&r), helperShare: try HpkeCiphertext.decode(&r))
        }
    }

    /// `UploadRequest`: the reports, one after the other.
    public static func encodeUploadRequest(_ reports: [Report]) -> [UInt8] {
        var w = Writer()
        for r in reports { r.encode(into: &w) }
        return w.bytes
    }

    public static func decodeUploadRequest(_ bytes: [UInt8]) throws(DecodeError) -> [Report] {
        var r = Reader(bytes)
        var reports: [Report] = []
        while !r.done { reports.append(try Report.decode(&r)) }
        return reports
    }

    /// `UploadErrors`: (report id, error code) for each report that failed.
    public static func decodeUploadErrors(_ bytes: [UInt8]) throws(DecodeError) -> [(reportID: [UInt8], error: UInt8)] {
        var r = Reader(bytes)
        var out: [(reportID: [UInt8], error: UInt8)] = []
        while !r.done { out.append((try r.take(16), try r.u8())) }
        return out
    }

    /// `PlaintextInputShare` (no private extension).
    public static func plaintextInputShare(_ payload: [UInt8]) -> [UInt8] {
        var w = Writer()
        w.opaque16([]); w.opaque32(payload)
        return w.bytes
    }

    public static func decodePlaintextInputShare(_ bytes: [UInt8]) throws(DecodeError) -> [UInt8] {
        var r = Reader(bytes)
        _ = try r.opaque16()
        let payload = try r.opaque32()
        guard r.done, !payload.isEmpty else { throw .malformed("plaintext input share") }
        return payload
    }

    /// `InputShareAad`.
    public static func inputShareAad(taskID: [UInt8], task: TaskConfiguration, report: Report) -> [UInt8] {
        var w = Writer()
        w.bytes += taskID
        w.bytes += task.encoded()
        w.bytes += report.metadata
        w.opaque32(report.publicShare)
        return w.bytes
    }

    /// The HPKE info of an input share for `role`: "dap-18 input share" || client || role.
    public static func inputShareInfo(_ role: Role) -> [UInt8] {
        Array("\(version) input share".utf8) + [Role.client.rawValue, role.rawValue]
    }

    /// The VDAF application context: "dap-18" || task id.
    public static func vdafContext(taskID: [UInt8]) -> [UInt8] { Array(version.utf8) + taskID }
}

extension DAP {
    public enum ClientError: Error, Equatable, Sendable, CustomStringConvertible {
        case noSupportedConfig(Role)
        case prio3(Prio3Error)
        case hpke
        public var description: String {
            switch self {
            case .noSupportedConfig(let role): "the \(role) advertises no HPKE configuration this client supports (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM or ChaCha20-Poly1305)"
            case .prio3(let e): "Prio3: \(e)"
            case .hpke: "HPKE sealing failed"
            }
        }
    }

    /// The first configuration of the list (the Aggregator's order of preference) this client
    /// supports, and its AEAD.
    public static func choose(_ configs: [HpkeConfig]) -> (HpkeConfig, HPKE.AEAD)? {
        for c in configs where c.kemID == HPKE.kemID && c.kdfID == HPKE.kdfID && c.publicKey.count == 32 {
            if let aead = HPKE.AEAD(rawValue: c.aeadID) { return (c, aead) }
        }
        return nil
    }

    /// A report for `measurement`: a fresh report id and sharding randomness from `g` (the
    /// system CSPRNG in the sender), the shares sealed to each Aggregator's chosen configuration.
    public static func makeReport<V: ValidityCircuit, G: RandomNumberGenerator>(
        _ vdaf: Prio3<V>, measurement: V.Measurement, taskID: [UInt8], task: TaskConfiguration, time: UInt64,
        leaderConfigs: [HpkeConfig], helperConfigs: [HpkeConfig], using g: inout G
    ) throws(ClientError) -> Report {
        guard let (leader, leaderAEAD) = choose(leaderConfigs) else { throw .noSupportedConfig(.leader) }
        guard let (helper, helperAEAD) = choose(helperConfigs) else { throw .noSupportedConfig(.helper) }
        func random(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) } }
        let reportID = random(16)
        let sharded: (publicShare: [[UInt8]]?, inputShares: [Prio3InputShare<V.F>])
        do {
            sharded = try vdaf.shard(vdafContext(taskID: taskID), measurement, nonce: reportID, rand: random(vdaf.randSize))
        } catch {
            throw .prio3(error)
        }
        let empty = HpkeCiphertext(configID: 0, enc: [], payload: [])
        var report = Report(reportID: reportID, time: time, publicShare: vdaf.encodePublicShare(sharded.publicShare),
                            leaderShare: empty, helperShare: empty)
        let aad = inputShareAad(taskID: taskID, task: task, report: report)
        for (role, config, aead) in [(Role.leader, leader, leaderAEAD), (Role.helper, helper, helperAEAD)] {
            let share = sharded.inputShares[role == .leader ? 0 : 1]
            let plaintext = plaintextInputShare(vdaf.encodeInputShare(share))
            guard let sealed = try? HPKE.seal(aead, recipientPublicKey: config.publicKey, info: inputShareInfo(role), aad: aad,
                                              plaintext: plaintext, using: &g) else { throw .hpke }
            let ct = HpkeCiphertext(configID: config.id, enc: sealed.enc, payload: sealed.ciphertext)
            if role == .leader { report.leaderShare = ct } else { report.helperShare = ct }
        }
        return report
    }

    /// An Aggregator's side: its input share of `report`, decrypted (nil when it does not open).
    public static func openInputShare(_ report: Report, role: Role, privateKey: [UInt8], config: HpkeConfig,
                                      taskID: [UInt8], task: TaskConfiguration) -> [UInt8]? {
        let ct = role == .leader ? report.leaderShare : report.helperShare
        guard ct.configID == config.id, let aead = HPKE.AEAD(rawValue: config.aeadID) else { return nil }
        guard let plaintext = try? HPKE.open(aead, enc: ct.enc, recipientPrivateKey: privateKey, info: inputShareInfo(role),
                                             aad: inputShareAad(taskID: taskID, task: task, report: report), ciphertext: ct.payload) else {
            return nil
        }
        return try? decodePlaintextInputShare(plaintext)
    }
}
