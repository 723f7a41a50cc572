/// A version of the Distributed Aggregation Protocol as a value: what differs on the wire between
/// the drafts a client may meet. `dap09` is what every deployed aggregator speaks (Divvi Up /
/// Janus 0.7, Daphne; Firefox's client), with VDAF draft 08; `dap18` is Janus main's, with VDAF
/// draft 18 (draft 20 on the wire). Each client-side message, path, media type and label that
/// differs is a property or a function of the profile; nothing is chosen by a constant elsewhere.
public struct DAPProfile: Hashable, Sendable, CustomStringConvertible {
    public enum Draft: Hashable, Sendable { case dap09, dap18 }

    public let draft: Draft

    public static let dap09 = DAPProfile(draft: .dap09)
    public static let dap18 = DAPProfile(draft: .dap18)
    public static let all: [DAPProfile] = [.dap09, .dap18]

    /// `"dap-09"` or `"dap-18"`, the name a task file gives.
    public var name: String { draft == .dap09 ? "dap-09" : "dap-18" }
    public var description: String { name }

    /// The profile a task file names, or nil.
    public init?(name: String) {
        switch name {
        case "dap-09": draft = .dap09
        case "dap-18": draft = .dap18
        default: return nil
        }
    }

    init(draft: Draft) { self.draft = draft }

    /// The VDAF draft the profile's aggregators run: 8 for DAP-09, 18 (as draft 20 on the wire) for DAP-18.
    public var vdafDraft: Int { draft == .dap09 ? 8 : 18 }

    // MARK: HTTP

    /// The media type of an `HpkeConfigList`.
    public var hpkeConfigListMediaType: String {
        draft == .dap09 ? "application/dap-hpke-config-list" : "application/ppm-dap;message=hpke-config-list"
    }

    /// The upload's method: DAP-09 PUTs one `Report`; DAP-18 POSTs an `UploadRequest`.
    public var uploadMethod: String { draft == .dap09 ? "PUT" : "POST" }

    /// The upload's media type.
    public var uploadMediaType: String { draft == .dap09 ? "application/dap-report" : "application/ppm-dap;message=upload-req" }

    /// DAP-18's answer to an upload that lists refused reports.
    public var uploadErrorsMediaType: String? { draft == .dap09 ? nil : "application/ppm-dap;message=upload-errors" }

    /// The path of a task's reports under the Leader's URL: `tasks/{task-id}/reports`.
    public func uploadPath(taskID: DAPTaskID) -> String { "tasks/\(taskID.base64URL)/reports" }

    /// The path of an aggregator's HPKE configurations under its URL.
    public let hpkeConfigPath = "hpke_config"

    // MARK: Labels

    /// The HPKE info of an input share for `role`: "dap-NN input share" || 0x01 (client) || role.
    public func inputShareInfo(_ role: DAPRole) -> [UInt8] {
        Array("\(name) input share".utf8) + [DAPRole.client.rawValue, role.rawValue]
    }

    /// The VDAF application context: none in VDAF-08 (DAP-09); "dap-18" || task id in DAP-18.
    public func vdafContext(taskID: DAPTaskID) -> [UInt8] {
        draft == .dap09 ? [] : Array(name.utf8) + taskID.bytes
    }

    /// A report's time for a send at `unixSeconds`: DAP-09 counts seconds, rounded down to a
    /// multiple of the time precision; DAP-18 counts whole time-precision units.
    public func reportTime(unixSeconds: UInt64, timePrecision: UInt64) -> UInt64 {
        let units = unixSeconds / max(1, timePrecision)
        return draft == .dap09 ? units * max(1, timePrecision) : units
    }

    /// The first moment (seconds since 1970) of the time-precision window that holds `unixSeconds`.
    public func windowStart(unixSeconds: UInt64, timePrecision: UInt64) -> UInt64 {
        unixSeconds / max(1, timePrecision) * max(1, timePrecision)
    }
}

/// The protocol's roles.
public enum DAPRole: UInt8, Sendable, CaseIterable {
    case collector = 0, client = 1, leader = 2, helper = 3
}

/// A task id: 32 bytes, written in URL-safe base64 without padding.
public struct DAPTaskID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Reads URL-safe base64 (padding optional); nil unless it is exactly 32 bytes.
    public init?(base64URL text: String) {
        guard let decoded = Base64URL.decode(text), decoded.count == 32 else { return nil }
        bytes = decoded
    }

    public var base64URL: String { Base64URL.encode(bytes) }
    public var description: String { base64URL }
}

/// URL-safe base64 (RFC 4648 section 5) without padding, as DAP writes task ids and keys.
package enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    package static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var v = UInt32(bytes[i]) << 16
            if n > 1 { v |= UInt32(bytes[i + 1]) << 8 }
            if n > 2 { v |= UInt32(bytes[i + 2]) }
            for k in 0...n { out.append(alphabet[Int((v >> UInt32(18 - 6 * k)) & 63)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Nil for a character outside the URL-safe alphabet (standard base64's `+` and `/` are
    /// refused too), a length no encoding has, or non-zero bits after the last byte.
    package static func decode(_ text: String) -> [UInt8]? {
        var digits: [UInt8] = []
        for c in text.utf8 {
            if c == UInt8(ascii: "=") { break }
            guard let d = alphabet.firstIndex(of: c) else { return nil }
            digits.append(UInt8(d))
        }
        let tail = text.utf8.drop { $0 != UInt8(ascii: "=") }
        guard tail.allSatisfy({ $0 == UInt8(ascii: "=") }), tail.count < 3, digits.count % 4 != 1 else { return nil }
        if !tail.isEmpty, (digits.count + tail.count) % 4 != 0 { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < digits.count {
            let group = Array(digits[i..<min(i + 4, digits.count)])
            var v: UInt32 = 0
            for (k, d) in group.enumerated() { v |= UInt32(d) << UInt32(18 - 6 * k) }
            let produced = group.count - 1
            for k in 0..<produced { out.append(UInt8((v >> UInt32(16 - 8 * k)) & 0xFF)) }
            // Bits past the last byte must be zero (one encoding per byte string).
            let used = 8 * produced, have = 6 * group.count
            if have > used, v >> UInt32(24 - have) & ((1 << UInt32(have - used)) - 1) != 0 { return nil }
            i += 4
        }
        return out
    }
}
