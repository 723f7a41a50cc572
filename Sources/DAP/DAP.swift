import HPKE
import VDAF

// The client's side of the Distributed Aggregation Protocol (draft-ietf-ppm-dap-09 and -18): the
// messages a client reads and writes, in the drafts' TLS presentation-language encodings, each
// for a `DAPProfile`. Standard library only; the HTTP is the caller's (TelemetryDAP).

/// A message that cannot be read, or a value too long for its length prefix (an encoder never
/// cuts a value short).
public enum DAPCodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case tooLong(String)

    public var description: String {
        switch self {
        case .malformed(let what): "malformed (\(what))"
        case .tooLong(let what): "too long for its length prefix (\(what))"
        }
    }
}

/// TLS presentation-language writing: big-endian integers, length-prefixed opaque values.
package struct DAPWriter {
    package var bytes: [UInt8] = []
    package init() {}
    package mutating func u8(_ v: UInt8) { bytes.append(v) }
    package mutating func u16(_ v: UInt16) { bytes += [UInt8(v >> 8), UInt8(v & 0xff)] }
    package mutating func u32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8((v >> UInt32(s)) & 0xff)) } }
    package mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((v >> UInt64(s)) & 0xff)) } }
    package mutating func opaque8(_ b: [UInt8], _ what: String) throws(DAPCodingError) {
        guard let n = UInt8(exactly: b.count) else { throw .tooLong(what) }
        u8(n); bytes += b
    }
    package mutating func opaque16(_ b: [UInt8], _ what: String) throws(DAPCodingError) {
        guard let n = UInt16(exactly: b.count) else { throw .tooLong(what) }
        u16(n); bytes += b
    }
    package mutating func opaque32(_ b: [UInt8], _ what: String) throws(DAPCodingError) {
        guard let n = UInt32(exactly: b.count) else { throw .tooLong(what) }
        u32(n); bytes += b
    }
}

/// TLS presentation-language reading, every length checked against what is left.
package struct DAPReader {
    let bytes: [UInt8]
    var at = 0
    package init(_ b: [UInt8]) { bytes = b }
    package var done: Bool { at == bytes.count }
    package mutating func take(_ n: Int) throws(DAPCodingError) -> [UInt8] {
        guard n >= 0, n <= bytes.count - at else { throw .malformed("truncated") }
        defer { at += n }
        return Array(bytes[at..<(at + n)])
    }
    package mutating func u8() throws(DAPCodingError) -> UInt8 { try take(1)[0] }
    package mutating func u16() throws(DAPCodingError) -> UInt16 { let b = try take(2); return UInt16(b[0]) << 8 | UInt16(b[1]) }
    package mutating func u32() throws(DAPCodingError) -> UInt32 { try take(4).reduce(0) { $0 << 8 | UInt32($1) } }
    package mutating func u64() throws(DAPCodingError) -> UInt64 { try take(8).reduce(0) { $0 << 8 | UInt64($1) } }
    package mutating func opaque8() throws(DAPCodingError) -> [UInt8] { try take(Int(try u8())) }
    package mutating func opaque16() throws(DAPCodingError) -> [UInt8] { try take(Int(try u16())) }
    package mutating func opaque32() throws(DAPCodingError) -> [UInt8] {
        guard let n = Int(exactly: try u32()) else { throw .malformed("a length past this platform's Int") }
        return try take(n)
    }
    package func end(_ what: String) throws(DAPCodingError) { guard done else { throw .malformed("bytes after the \(what)") } }
}

// MARK: - HPKE configurations

/// One of an aggregator's HPKE configurations, as advertised (any algorithm, known or not).
public struct DAPHpkeConfig: Hashable, Sendable {
    public var id: UInt8
    public var kemID: UInt16
    public var kdfID: UInt16
    public var aeadID: UInt16
    public var publicKey: [UInt8]

    public init(id: UInt8, kemID: UInt16, kdfID: UInt16, aeadID: UInt16, publicKey: [UInt8]) {
        (self.id, self.kemID, self.kdfID, self.aeadID, self.publicKey) = (id, kemID, kdfID, aeadID, publicKey)
    }

    /// A configuration this package can seal to.
    public init(id: UInt8, ciphersuite: HPKECiphersuite, publicKey: HPKEPublicKey) {
        self.init(id: id, kemID: HPKECiphersuite.kemID, kdfID: HPKECiphersuite.kdfID, aeadID: ciphersuite.aead.rawValue,
                  publicKey: publicKey.rawRepresentation)
    }

    /// The suite and key, when this package implements them; nil otherwise.
    public var usable: (HPKECiphersuite, HPKEPublicKey)? {
        guard let suite = HPKECiphersuite(kemID: kemID, kdfID: kdfID, aeadID: aeadID),
              let key = try? HPKEPublicKey(rawRepresentation: publicKey) else { return nil }
        return (suite, key)
    }

    func encode(into w: inout DAPWriter) throws(DAPCodingError) {
        w.u8(id); w.u16(kemID); w.u16(kdfID); w.u16(aeadID)
        try w.opaque16(publicKey, "an HPKE public key")
    }
}

/// `HpkeConfig HpkeConfigList<…>`, the same in DAP-09 and DAP-18: configurations in the
/// aggregator's order of preference.
public struct DAPHpkeConfigList: Hashable, Sendable {
    public var configs: [DAPHpkeConfig]

    public init(_ configs: [DAPHpkeConfig]) { self.configs = configs }

    public init(decoding bytes: [UInt8]) throws(DAPCodingError) {
        var r = DAPReader(bytes)
        let list = try r.opaque16()
        try r.end("config list")
        var inner = DAPReader(list)
        configs = []
        while !inner.done {
            let id = try inner.u8(), kem = try inner.u16(), kdf = try inner.u16(), aead = try inner.u16()
            configs.append(DAPHpkeConfig(id: id, kemID: kem, kdfID: kdf, aeadID: aead, publicKey: try inner.opaque16()))
        }
        guard !configs.isEmpty else { throw .malformed("an empty config list") }
    }

    public func encoded() throws(DAPCodingError) -> [UInt8] {
        var inner = DAPWriter()
        for c in configs { try c.encode(into: &inner) }
        var w = DAPWriter()
        try w.opaque16(inner.bytes, "an HPKE config list")
        return w.bytes
    }

    /// The first configuration (the aggregator's preference) this package can seal to.
    public var firstUsable: (config: DAPHpkeConfig, ciphersuite: HPKECiphersuite, key: HPKEPublicKey)? {
        for c in configs { if let (suite, key) = c.usable { return (c, suite, key) } }
        return nil
    }
}

// MARK: - The task (DAP-18)

/// The VDAF of a task as DAP-18's `TaskConfiguration` names it (`vdaf_type`, `vdaf_config`).
public enum DAPVDAFConfiguration: Hashable, Sendable {
    case prio3Count
    case prio3Sum(maxMeasurement: UInt64)
    case prio3SumVec(length: UInt32, maxMeasurement: UInt64, chunkLength: UInt32)
    case prio3Histogram(length: UInt32, chunkLength: UInt32)
    case prio3MultihotCountVec(length: UInt32, chunkLength: UInt32, maxWeight: UInt64)

    public var vdafType: UInt32 {
        switch self {
        case .prio3Count: 1
        case .prio3Sum: 2
        case .prio3SumVec: 3
        case .prio3Histogram: 4
        case .prio3MultihotCountVec: 5
        }
    }

    public var encodedConfiguration: [UInt8] {
        var w = DAPWriter()
        switch self {
        case .prio3Count: break
        case .prio3Sum(let max): w.u64(max)
        case .prio3SumVec(let length, let max, let chunk): w.u32(length); w.u64(max); w.u32(chunk)
        case .prio3Histogram(let length, let chunk): w.u32(length); w.u32(chunk)
        case .prio3MultihotCountVec(let length, let chunk, let weight): w.u32(length); w.u32(chunk); w.u64(weight)
        }
        return w.bytes
    }
}

/// DAP-18's `TaskConfiguration`: bound into every input share's AAD, so every field must be what
/// the aggregators hold.
public struct DAPTaskConfiguration: Hashable, Sendable {
    public enum BatchMode: UInt8, Hashable, Sendable { case timeInterval = 1, leaderSelected = 2 }

    public var taskInfo: [UInt8]
    public var leaderURL: String
    public var helperURL: String
    public var timePrecision: UInt64
    public var minBatchSize: UInt64
    public var batchMode: BatchMode
    public var vdaf: DAPVDAFConfiguration

    public init(taskInfo: [UInt8], leaderURL: String, helperURL: String, timePrecision: UInt64, minBatchSize: UInt64,
                batchMode: BatchMode = .timeInterval, vdaf: DAPVDAFConfiguration) {
        self.taskInfo = taskInfo
        self.leaderURL = leaderURL
        self.helperURL = helperURL
        self.timePrecision = timePrecision
        self.minBatchSize = minBatchSize
        self.batchMode = batchMode
        self.vdaf = vdaf
    }

    public func encoded() throws(DAPCodingError) -> [UInt8] {
        var w = DAPWriter()
        try w.opaque8(taskInfo, "task_info")
        try w.opaque16(Array(leaderURL.utf8), "the Leader's URL")
        try w.opaque16(Array(helperURL.utf8), "the Helper's URL")
        w.u64(timePrecision)
        w.u64(minBatchSize)
        w.u8(batchMode.rawValue)
        try w.opaque16([], "batch_config")      // empty for both batch modes
        w.u32(vdaf.vdafType)
        try w.opaque16(vdaf.encodedConfiguration, "vdaf_config")
        try w.opaque16([], "extensions")        // no task extension
        return w.bytes
    }
}

// MARK: - The report

public struct DAPHpkeCiphertext: Hashable, Sendable {
    public var configID: UInt8
    public var encapsulatedKey: [UInt8]
    public var payload: [UInt8]

    public init(configID: UInt8, encapsulatedKey: [UInt8], payload: [UInt8]) {
        (self.configID, self.encapsulatedKey, self.payload) = (configID, encapsulatedKey, payload)
    }

    func encode(into w: inout DAPWriter) throws(DAPCodingError) {
        w.u8(configID)
        try w.opaque16(encapsulatedKey, "an encapsulated key")
        try w.opaque32(payload, "an encrypted input share")
    }

    static func decode(_ r: inout DAPReader) throws(DAPCodingError) -> DAPHpkeCiphertext {
        DAPHpkeCiphertext(configID: try r.u8(), encapsulatedKey: try r.opaque16(), payload: try r.opaque32())
    }
}

/// A report: its id, time, public share and the two encrypted input shares. A client sends no
/// extension.
public struct DAPReport: Hashable, Sendable {
    public var reportID: [UInt8]
    public var time: UInt64
    public var publicShare: [UInt8]
    public var leaderShare: DAPHpkeCiphertext
    public var helperShare: DAPHpkeCiphertext

    public init(reportID: [UInt8], time: UInt64, publicShare: [UInt8], leaderShare: DAPHpkeCiphertext, helperShare: DAPHpkeCiphertext) {
        (self.reportID, self.time, self.publicShare, self.leaderShare, self.helperShare) = (reportID, time, publicShare, leaderShare, helperShare)
    }

    /// `ReportMetadata`: id and time; DAP-18 adds the (empty) public extensions.
    public func metadata(_ profile: DAPProfile) throws(DAPCodingError) -> [UInt8] {
        var w = DAPWriter()
        w.bytes += reportID
        w.u64(time)
        if profile.draft == .dap18 { try w.opaque16([], "public extensions") }
        return w.bytes
    }

    public func encoded(_ profile: DAPProfile) throws(DAPCodingError) -> [UInt8] {
        var w = DAPWriter()
        try encode(into: &w, profile)
        return w.bytes
    }

    func encode(into w: inout DAPWriter, _ profile: DAPProfile) throws(DAPCodingError) {
        w.bytes += try metadata(profile)
        try w.opaque32(publicShare, "the public share")
        try leaderShare.encode(into: &w)
        try helperShare.encode(into: &w)
    }

    static func decode(_ r: inout DAPReader, _ profile: DAPProfile) throws(DAPCodingError) -> DAPReport {
        let id = try r.take(16), time = try r.u64()
        if profile.draft == .dap18 { _ = try r.opaque16() }  // public extensions
        return DAPReport(reportID: id, time: time, publicShare: try r.opaque32(),
                         leaderShare: try DAPHpkeCiphertext.decode(&r), helperShare: try DAPHpkeCiphertext.decode(&r))
    }

    public init(decoding bytes: [UInt8], _ profile: DAPProfile) throws(DAPCodingError) {
        var r = DAPReader(bytes)
        self = try DAPReport.decode(&r, profile)
        try r.end("report")
    }
}

/// What an upload carries: DAP-09 one `Report`; DAP-18 an `UploadRequest` (reports one after
/// the other) and an `UploadErrors` answer.
public enum DAPUpload {
    public static func body(_ reports: [DAPReport], _ profile: DAPProfile) throws(DAPCodingError) -> [UInt8] {
        if profile.draft == .dap09 {
            guard reports.count == 1 else { throw .malformed("a DAP-09 upload holds exactly one report") }
        }
        var w = DAPWriter()
        for r in reports { try r.encode(into: &w, profile) }
        return w.bytes
    }

    public static func reports(in bytes: [UInt8], _ profile: DAPProfile) throws(DAPCodingError) -> [DAPReport] {
        var r = DAPReader(bytes)
        var reports: [DAPReport] = []
        while !r.done { reports.append(try DAPReport.decode(&r, profile)) }
        guard profile.draft == .dap18 || reports.count == 1 else { throw .malformed("a DAP-09 upload holds exactly one report") }
        return reports
    }

    /// DAP-18's `UploadErrors`: (report id, ReportError code) for each refused report.
    public static func errors(in bytes: [UInt8]) throws(DAPCodingError) -> [(reportID: [UInt8], error: UInt8)] {
        var r = DAPReader(bytes)
        var out: [(reportID: [UInt8], error: UInt8)] = []
        while !r.done { out.append((try r.take(16), try r.u8())) }
        return out
    }

    /// `PlaintextInputShare` with no private extension (the same in both drafts).
    public static func plaintextInputShare(_ payload: [UInt8]) throws(DAPCodingError) -> [UInt8] {
        var w = DAPWriter()
        try w.opaque16([], "private extensions")
        try w.opaque32(payload, "an input share")
        return w.bytes
    }

    public static func payload(ofPlaintextInputShare bytes: [UInt8]) throws(DAPCodingError) -> [UInt8] {
        var r = DAPReader(bytes)
        _ = try r.opaque16()
        let payload = try r.opaque32()
        try r.end("plaintext input share")
        guard !payload.isEmpty else { throw .malformed("an empty input share") }
        return payload
    }

    /// `InputShareAad`: task id, (DAP-18: the task's configuration,) report metadata, public share.
    public static func inputShareAad(_ profile: DAPProfile, taskID: DAPTaskID, task: DAPTaskConfiguration?,
                                     report: DAPReport) throws(DAPCodingError) -> [UInt8] {
        var w = DAPWriter()
        w.bytes += taskID.bytes
        if profile.draft == .dap18 {
            guard let task else { throw .malformed("DAP-18's input share AAD needs the task's configuration") }
            w.bytes += try task.encoded()
        }
        w.bytes += try report.metadata(profile)
        try w.opaque32(report.publicShare, "the public share")
        return w.bytes
    }
}
