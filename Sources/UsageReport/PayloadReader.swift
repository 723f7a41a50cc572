import LocalPrivacy
import DifferentialPrivacy
import Primitives
import DifferentialPrivacy
import AnonymousSummary

/// Reads one collected line as a payload of the published closed shape
/// (`schema/payload.schema.json`), or says why not.
///
/// Written for this small grammar rather than on a general JSON parser, whose leniency a
/// public endpoint would inherit: duplicate keys (one silently kept), numbers like `1e30` or
/// `1.0` for an integer, lone surrogates, trailing text. Keys may come in any order and JSON
/// white space is allowed between tokens (a proxy may re-serialise), but nothing else: every
/// key is known, every value has its one type, and every name is found in the catalogue by its
/// bytes. Nesting is at most three levels by construction (the reader never reads a value the
/// shape does not have), so no depth limit is needed.
public struct PayloadReader: Sendable {
    /// The longest line accepted, in bytes (64 KiB), as the collector's body limit.
    public static let maxLineLength = 65_536

    public let index: CatalogIndex

    /// The payload read by the last `read` that returned `.exact`, valid until the next.
    public private(set) var payload = ExactPayload()
    /// The payload read by the last `read` that returned `.ldp`, valid until the next.
    public private(set) var ldpPayload = LDPPayload()

    private var pendingBits: [UInt8] = []

    public init(index: CatalogIndex) {
        self.index = index
    }

    /// What a line was.
    public enum Outcome: Equatable, Sendable {
        /// A payload of the exact (plugin names and counts) shape, now in `payload`.
        case exact
        /// An LDP payload (`schema/ldp-payload.schema.json`) for this catalogue, now in `ldpPayload`.
        case ldp
        case rejected(RejectionReason)
    }

    /// Reads `line` (without its `\n`).
    public mutating func read(_ line: UnsafeBufferPointer<UInt8>) -> Outcome {
        guard line.count <= PayloadReader.maxLineLength else { return .rejected(.tooLong) }
        switch UTF8Check.check(line) {
        case .nul: return .rejected(.nulByte)
        case .invalid: return .rejected(.invalidUTF8)
        case .valid: break
        }
        var cursor = JSONCursor(line)
        if cursor.peek() == nil { return .rejected(.emptyLine) }
        do {
            let isLDP = try readObject(&cursor)
            guard cursor.peek() == nil else { return .rejected(.notJSON) }
            return isLDP ? .ldp : .exact
        } catch {
            return .rejected(error)
        }
    }

    /// Reads a line given as an array (tests, tools).
    public mutating func read(_ line: [UInt8]) -> Outcome {
        line.withUnsafeBufferPointer { read($0) }
    }

    private enum TopKey: Int, CaseIterable {
        case id, uptime, components, unlisted, malformed, mechanism, epsilon, catalog, bits

        static let names: [[UInt8]] = ["id", "uptime", "components", "unlisted", "malformed",
                                       "mechanism", "epsilon", "catalog", "bits"].map { Array($0.utf8) }
        static let exactOnly: UInt32 = 1 << components.rawValue | 1 << unlisted.rawValue | 1 << malformed.rawValue
        static let ldpOnly: UInt32 = 1 << mechanism.rawValue | 1 << epsilon.rawValue | 1 << catalog.rawValue | 1 << bits.rawValue

        static func find(_ bytes: UnsafeBufferPointer<UInt8>) -> TopKey? {
            for (i, name) in names.enumerated() where name.elementsEqual(bytes) { return TopKey(rawValue: i) }
            return nil
        }
    }

    /// Reads the object; true if it is an LDP payload, false if exact.
    private mutating func readObject(_ cursor: inout JSONCursor) throws(RejectionReason) -> Bool {
        switch cursor.valueStart() {
        case .object: break
        case .array, .string, .number, .literal: throw .notAnObject
        case .other, .end: throw .notJSON
        }
        try cursor.expect(UInt8(ascii: "{"))
        payload.reset()
        var seen: UInt32 = 0
        if !cursor.consume(UInt8(ascii: "}")) {
            repeat {
                let key = try cursor.string { (bytes) throws(RejectionReason) -> TopKey in
                    guard let key = TopKey.find(bytes) else { throw .unknownKey }
                    return key
                }
                guard seen & (1 << key.rawValue) == 0 else { throw .duplicateKey }
                seen |= 1 << key.rawValue
                // One shape or the other: a key of the other shape is unknown in this one.
                guard seen & TopKey.exactOnly == 0 || seen & TopKey.ldpOnly == 0 else { throw .unknownKey }
                try cursor.expect(UInt8(ascii: ":"))
                switch key {
                case .id: payload.id = try readID(&cursor)
                case .uptime: payload.uptime = try cursor.integer(or: .badUptime)
                case .components: try readComponents(&cursor)
                case .unlisted: try readCounts(&cursor, into: &payload.unlisted)
                case .malformed: try readCounts(&cursor, into: &payload.malformed)
                case .mechanism:
                    guard cursor.valueStart() == .string else { throw .unknownMechanism }
                    try cursor.string { (bytes) throws(RejectionReason) in
                        guard bytes.elementsEqual(OptimizedUnaryEncoding.mechanismName.utf8) else { throw .unknownMechanism }
                    }
                case .epsilon:
                    let epsilon = try cursor.decimal(maxLength: 32, or: .badEpsilon)
                    guard OptimizedUnaryEncoding(epsilon: epsilon) != nil else { throw .badEpsilon }
                    ldpPayload.epsilon = epsilon
                case .catalog:
                    guard cursor.valueStart() == .string else { throw .unknownCatalog }
                    let index = self.index
                    try cursor.string { (bytes) throws(RejectionReason) in
                        guard bytes.elementsEqual(index.fingerprintBytes) else { throw .unknownCatalog }
                    }
                case .bits:
                    guard cursor.valueStart() == .string else { throw .badBits }
                    // Checked once the catalogue is known to be this one.
                    pendingBits.removeAll(keepingCapacity: true)
                    try cursor.string { (bytes) throws(RejectionReason) in pendingBits.append(contentsOf: bytes) }
                }
            } while cursor.consume(UInt8(ascii: ","))
            try cursor.expect(UInt8(ascii: "}"))
        }
        let base: UInt32 = 1 << TopKey.id.rawValue | 1 << TopKey.uptime.rawValue
        if seen & TopKey.ldpOnly != 0 {
            guard seen & (base | TopKey.ldpOnly) == base | TopKey.ldpOnly else { throw .missingKey }
            ldpPayload.id = payload.id
            ldpPayload.uptime = payload.uptime
            try readBits(pendingBits)
            return true
        }
        let required = base | 1 << TopKey.components.rawValue
        guard seen & required == required else { throw .missingKey }
        payload.plugins.sort()
        return false
    }

    /// Hex digits, lower case, exactly the layout's width (4 bits a digit), unused bits 0.
    private mutating func readBits(_ text: [UInt8]) throws(RejectionReason) {
        let width = index.layout.width
        guard text.count == (width + 3) / 4 else { throw .badBits }
        ldpPayload.bits = [UInt64](repeating: 0, count: (width + 63) / 64)
        for (d, c) in text.enumerated() {
            let v: UInt64
            switch c {
            case 0x30...0x39: v = UInt64(c - 0x30)
            case 0x61...0x66: v = UInt64(c - 0x61 + 10)
            default: throw .badBits
            }
            for k in 0..<4 where v & (8 >> UInt64(k)) != 0 {
                let bit = d * 4 + k
                guard bit < width else { throw .badBits }
                ldpPayload.bits[bit / 64] |= 1 << UInt64(bit % 64)
            }
        }
    }

    private mutating func readID(_ cursor: inout JSONCursor) throws(RejectionReason) -> PayloadID {
        guard cursor.valueStart() == .string else { throw .badID }
        return try cursor.string { (bytes) throws(RejectionReason) -> PayloadID in
            guard let id = PayloadID(bytes) else { throw .badID }
            return id
        }
    }

    private mutating func readComponents(_ cursor: inout JSONCursor) throws(RejectionReason) {
        guard cursor.valueStart() == .array else { throw .badComponent }
        try cursor.expect(UInt8(ascii: "["))
        if cursor.consume(UInt8(ascii: "]")) { return }
        repeat {
            guard cursor.valueStart() == .object else { throw .badComponent }
            try cursor.expect(UInt8(ascii: "{"))
            var kind: Int?
            var plugin: Int?
            // The name is looked up once the kind is known; until then its bytes are kept.
            var pendingName: [UInt8]?
            var seenType = false, seenName = false
            if !cursor.consume(UInt8(ascii: "}")) {
                repeat {
                    let isType = try cursor.string { (bytes) throws(RejectionReason) -> Bool in
                        if bytes.elementsEqual("type".utf8) { return true }
                        if bytes.elementsEqual("name".utf8) { return false }
                        throw .unknownKey
                    }
                    try cursor.expect(UInt8(ascii: ":"))
                    guard cursor.valueStart() == .string else { throw .badComponent }
                    if isType {
                        guard !seenType else { throw .duplicateKey }
                        seenType = true
                        let k = try cursor.string { (bytes) throws(RejectionReason) -> Int in
                            guard let k = CatalogIndex.kind(bytes) else { throw .unknownKind }
                            return k
                        }
                        kind = k
                        if let name = pendingName {
                            plugin = name.withUnsafeBufferPointer { index.plugin($0, kind: k) }
                            guard plugin != nil else { throw .unknownPlugin }
                        }
                    } else {
                        guard !seenName else { throw .duplicateKey }
                        seenName = true
                        if let k = kind {
                            let index = self.index
                            plugin = try cursor.string { (bytes) throws(RejectionReason) -> Int in
                                guard let p = index.plugin(bytes, kind: k) else { throw .unknownPlugin }
                                return p
                            }
                        } else {
                            pendingName = try cursor.string { (bytes) throws(RejectionReason) -> [UInt8] in Array(bytes) }
                        }
                    }
                } while cursor.consume(UInt8(ascii: ","))
                try cursor.expect(UInt8(ascii: "}"))
            }
            guard seenType, seenName, let plugin else { throw .missingKey }
            payload.plugins.append(Int32(plugin))
        } while cursor.consume(UInt8(ascii: ","))
        try cursor.expect(UInt8(ascii: "]"))
    }

    private func readCounts(_ cursor: inout JSONCursor, into counts: inout [UInt64]) throws(RejectionReason) {
        guard cursor.valueStart() == .object else { throw .badCount }
        try cursor.expect(UInt8(ascii: "{"))
        guard !cursor.consume(UInt8(ascii: "}")) else { throw .badCount }  // at least one kind
        repeat {
            let kind = try cursor.string { (bytes) throws(RejectionReason) -> Int in
                guard let k = CatalogIndex.kind(bytes) else { throw .unknownKind }
                return k
            }
            guard counts[kind] == 0 else { throw .duplicateKey }
            try cursor.expect(UInt8(ascii: ":"))
            let value = try cursor.integer(or: .badCount)
            guard value > 0 else { throw .badCount }
            counts[kind] = value
        } while cursor.consume(UInt8(ascii: ","))
        try cursor.expect(UInt8(ascii: "}"))
    }
}

/// A payload's instance id: the 128 bits of a version-4 UUID.
public struct PayloadID: Hashable, Sendable, Comparable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The key a privacy ledger records this instance by.
    public var instanceKey: InstanceKey { InstanceKey(high: high, low: low) }

    /// Reads the schema's form exactly: lower-case `8-4-4-4-12` hex, version 4, variant 10xx.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let id = InstanceID(parsing: bytes, lowerCaseOnly: true) else { return nil }
        high = id.high
        low = id.low
    }

    public static func < (a: PayloadID, b: PayloadID) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

/// The content of an exact payload, as numbers: which catalogue plugins (with repeats), and
/// per kind how many unlisted and malformed components.
public struct ExactPayload: Sendable, Equatable {
    public var id = PayloadID(high: 0, low: 0)
    public var uptime: UInt64 = 0
    /// Catalogue numbers of the components, sorted, with repeats.
    public var plugins: [Int32] = []
    /// Per kind number (`CatalogIndex.kinds`), 0 when absent.
    public var unlisted = [UInt64](repeating: 0, count: CatalogIndex.kinds.count)
    public var malformed = [UInt64](repeating: 0, count: CatalogIndex.kinds.count)

    mutating func reset() {
        plugins.removeAll(keepingCapacity: true)
        for k in unlisted.indices {
            unlisted[k] = 0
            malformed[k] = 0
        }
    }
}

/// The content of an LDP payload: its mechanism (with ε) and reported bits, 64 to a word, bit i
/// at `bits[i / 64] >> (i % 64)`.
public struct LDPPayload: Sendable, Equatable {
    public var id = PayloadID(high: 0, low: 0)
    public var uptime: UInt64 = 0
    /// ε, checked to be one `OptimizedUnaryEncoding` accepts.
    public var epsilon: Double = 0
    public var bits: [UInt64] = []

    public func bit(_ i: Int) -> Bool { bits[i / 64] >> UInt64(i % 64) & 1 == 1 }
}
