import Primitives

// HPKE (RFC 9180), base mode, DHKEM(X25519, HKDF-SHA256) with HKDF-SHA256 and AES-128-GCM or
// ChaCha20-Poly1305, with secret export: what a DAP client needs to encrypt each input share to
// its aggregator, and what Oblivious HTTP needs for its requests and responses. Standard library
// only; the primitives are the Primitives target's (checked against FIPS 180-4, RFC 4231,
// RFC 5869, RFC 7748, RFC 8439, SP 800-38D and Wycheproof). The names follow swift-crypto's
// `HPKE.Sender` / `HPKE.Recipient`, prefixed, since this module is named HPKE.

/// Why an HPKE operation failed, in words for logs.
public enum HPKEError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not a usable X25519 key (32 bytes, not a low-order point).
    case badKey
    /// Not a usable encapsulated key (32 bytes, not a low-order point).
    case badEncapsulation
    /// The ciphertext does not open: another key, enc, info or aad, or altered.
    case openFailed
    /// More messages than the nonce can number, or an export longer than 255 · 32 bytes.
    case limitReached

    public var description: String {
        switch self {
        case .badKey: "not a usable X25519 key (32 bytes, not a low-order point)"
        case .badEncapsulation: "not a usable encapsulated key (32 bytes, not a low-order point)"
        case .openFailed: "the ciphertext does not open (another key, enc, info or aad, or altered)"
        case .limitReached: "past HPKE's limit (message count or export length)"
        }
    }
}

/// A cipher suite: DHKEM(X25519, HKDF-SHA256) and HKDF-SHA256 (the only ones here) with an AEAD.
public struct HPKECiphersuite: Hashable, Sendable, CustomStringConvertible {
    public enum AEAD: UInt16, Hashable, Sendable, CaseIterable {
        case aes128GCM = 0x0001
        case chaCha20Poly1305 = 0x0003

        var keySize: Int { self == .aes128GCM ? 16 : 32 }
    }

    /// DHKEM(X25519, HKDF-SHA256).
    public static let kemID: UInt16 = 0x0020
    /// HKDF-SHA256.
    public static let kdfID: UInt16 = 0x0001

    public let aead: AEAD

    public init(aead: AEAD) { self.aead = aead }

    /// The suite with these registry identifiers, or nil when this package does not implement it.
    public init?(kemID: UInt16, kdfID: UInt16, aeadID: UInt16) {
        guard kemID == Self.kemID, kdfID == Self.kdfID, let aead = AEAD(rawValue: aeadID) else { return nil }
        self.aead = aead
    }

    public static let x25519SHA256AES128GCM = HPKECiphersuite(aead: .aes128GCM)
    public static let x25519SHA256ChaChaPoly = HPKECiphersuite(aead: .chaCha20Poly1305)

    public var description: String {
        "DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, " + (aead == .aes128GCM ? "AES-128-GCM" : "ChaCha20-Poly1305")
    }

    /// "HPKE" || kem || kdf || aead.
    var suiteID: [UInt8] { Array("HPKE".utf8) + i2osp(Self.kemID, 2) + i2osp(Self.kdfID, 2) + i2osp(aead.rawValue, 2) }
}

/// An X25519 public key (32 bytes, not a low-order point).
public struct HPKEPublicKey: Hashable, Sendable {
    public let rawRepresentation: [UInt8]

    public init(rawRepresentation: [UInt8]) throws(HPKEError) {
        // A low-order point gives an all-zero shared secret: refused here, before any use.
        guard rawRepresentation.count == 32, X25519.scalarMult([9] + [UInt8](repeating: 0, count: 31), rawRepresentation) != nil else {
            throw .badKey
        }
        self.rawRepresentation = rawRepresentation
    }
}

/// An X25519 private key and its public key.
public struct HPKEPrivateKey: Sendable {
    let secret: [UInt8]
    public let publicKey: HPKEPublicKey

    /// A fresh key from `g` (the system CSPRNG in every use but tests): DeriveKeyPair of 32 random bytes.
    public init<G: RandomNumberGenerator>(using g: inout G) {
        while true {
            if let key = try? HPKEPrivateKey(derivedFrom: (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }) {
                self = key
                return
            }
        }
    }

    /// DeriveKeyPair (RFC 9180 section 7.1.3) of `ikm`.
    public init(derivedFrom ikm: [UInt8]) throws(HPKEError) {
        let prk = HPKEKeySchedule.labeledExtract(HPKEKeySchedule.kemSuiteID, salt: [], label: "dkp_prk", ikm: ikm)
        let sk = HPKEKeySchedule.labeledExpand(HPKEKeySchedule.kemSuiteID, prk: prk, label: "sk", info: [], length: 32)
        try self.init(rawRepresentation: sk)
    }

    /// A stored key (32 bytes).
    public init(rawRepresentation: [UInt8]) throws(HPKEError) {
        guard rawRepresentation.count == 32, let pk = X25519.publicKey(rawRepresentation) else { throw .badKey }
        secret = rawRepresentation
        publicKey = try HPKEPublicKey(rawRepresentation: pk)
    }

    /// The 32 bytes, to store the key (keep them secret).
    public var rawRepresentation: [UInt8] { secret }
}

/// The sender's context (RFC 9180 section 5.2): seals messages in order to one recipient, and
/// exports secrets both sides can derive.
public struct HPKESender: Sendable {
    /// The encapsulated key, sent with the first message.
    public let encapsulatedKey: [UInt8]
    var context: HPKEKeySchedule.Context

    /// A context to `recipientKey` with a fresh ephemeral key from `g` (the system CSPRNG in
    /// every use but tests).
    public init<G: RandomNumberGenerator>(recipientKey: HPKEPublicKey, ciphersuite: HPKECiphersuite, info: [UInt8],
                                          using g: inout G) throws(HPKEError) {
        try self.init(recipientKey: recipientKey, ciphersuite: ciphersuite, info: info, ephemeralKey: HPKEPrivateKey(using: &g))
    }

    /// The same with a given ephemeral key: for published vectors only (an ephemeral key used
    /// twice breaks the encryption), so not public.
    package init(recipientKey: HPKEPublicKey, ciphersuite: HPKECiphersuite, info: [UInt8], ephemeralKey: HPKEPrivateKey) throws(HPKEError) {
        guard let dh = X25519.scalarMult(ephemeralKey.secret, recipientKey.rawRepresentation) else { throw .badKey }
        let enc = ephemeralKey.publicKey.rawRepresentation
        let shared = HPKEKeySchedule.extractAndExpand(dh: dh, kemContext: enc + recipientKey.rawRepresentation)
        encapsulatedKey = enc
        context = HPKEKeySchedule.Context(ciphersuite, sharedSecret: shared, info: info)
    }

    /// Seals the next message (its sequence number is the count sealed before it).
    public mutating func seal(_ plaintext: [UInt8], authenticating aad: [UInt8] = []) throws(HPKEError) -> [UInt8] {
        try context.seal(plaintext, aad: aad)
    }

    /// Export (RFC 9180 section 5.3): `outputByteCount` bytes bound to this context and `context`.
    public func exportSecret(context exporterContext: [UInt8], outputByteCount: Int) throws(HPKEError) -> [UInt8] {
        try context.export(exporterContext, outputByteCount)
    }
}

/// The recipient's context: opens the sender's messages in order, and exports the same secrets.
public struct HPKERecipient: Sendable {
    var context: HPKEKeySchedule.Context

    public init(privateKey: HPKEPrivateKey, ciphersuite: HPKECiphersuite, info: [UInt8], encapsulatedKey enc: [UInt8]) throws(HPKEError) {
        guard enc.count == 32, let dh = X25519.scalarMult(privateKey.secret, enc) else { throw .badEncapsulation }
        let shared = HPKEKeySchedule.extractAndExpand(dh: dh, kemContext: enc + privateKey.publicKey.rawRepresentation)
        context = HPKEKeySchedule.Context(ciphersuite, sharedSecret: shared, info: info)
    }

    /// Opens the next message; throws `openFailed` when it does not authenticate.
    public mutating func open(_ ciphertext: [UInt8], authenticating aad: [UInt8] = []) throws(HPKEError) -> [UInt8] {
        try context.open(ciphertext, aad: aad)
    }

    public func exportSecret(context exporterContext: [UInt8], outputByteCount: Int) throws(HPKEError) -> [UInt8] {
        try context.export(exporterContext, outputByteCount)
    }
}

/// RFC 9180's labelled KDF and key schedule, base mode.
package enum HPKEKeySchedule {
    static let kemSuiteID: [UInt8] = Array("KEM".utf8) + i2osp(HPKECiphersuite.kemID, 2)

    static func labeledExtract(_ suite: [UInt8], salt: [UInt8], label: String, ikm: [UInt8]) -> [UInt8] {
        HKDFSHA256.extract(salt: salt, ikm: Array("HPKE-v1".utf8) + suite + Array(label.utf8) + ikm)
    }

    /// `length` is at most 255 · 32 at every call here (checked by `export`).
    static func labeledExpand(_ suite: [UInt8], prk: [UInt8], label: String, info: [UInt8], length: Int) -> [UInt8] {
        HKDFSHA256.expand(prk: prk, info: i2osp(UInt16(length), 2) + Array("HPKE-v1".utf8) + suite + Array(label.utf8) + info,
                          length: length) ?? []
    }

    static func extractAndExpand(dh: [UInt8], kemContext: [UInt8]) -> [UInt8] {
        let prk = labeledExtract(kemSuiteID, salt: [], label: "eae_prk", ikm: dh)
        return labeledExpand(kemSuiteID, prk: prk, label: "shared_secret", info: kemContext, length: 32)
    }

    /// A base-mode context: key, base nonce, sequence number, exporter secret.
    package struct Context: Sendable {
        let ciphersuite: HPKECiphersuite
        package let key: [UInt8]
        package let baseNonce: [UInt8]
        package let exporterSecret: [UInt8]
        var sequence: UInt64 = 0

        init(_ ciphersuite: HPKECiphersuite, sharedSecret: [UInt8], info: [UInt8]) {
            let suite = ciphersuite.suiteID
            let pskIDHash = labeledExtract(suite, salt: [], label: "psk_id_hash", ikm: [])
            let infoHash = labeledExtract(suite, salt: [], label: "info_hash", ikm: info)
            let keyScheduleContext = [0] + pskIDHash + infoHash
            let secret = labeledExtract(suite, salt: sharedSecret, label: "secret", ikm: [])
            self.ciphersuite = ciphersuite
            key = labeledExpand(suite, prk: secret, label: "key", info: keyScheduleContext, length: ciphersuite.aead.keySize)
            baseNonce = labeledExpand(suite, prk: secret, label: "base_nonce", info: keyScheduleContext, length: 12)
            exporterSecret = labeledExpand(suite, prk: secret, label: "exp", info: keyScheduleContext, length: 32)
        }

        /// base_nonce XOR the sequence number (big-endian, 12 bytes).
        func nonce() -> [UInt8] {
            var n = baseNonce
            for i in 0..<8 { n[11 - i] ^= UInt8(truncatingIfNeeded: sequence >> (8 * UInt64(i))) }
            return n
        }

        mutating func seal(_ plaintext: [UInt8], aad: [UInt8]) throws(HPKEError) -> [UInt8] {
            guard sequence < UInt64.max else { throw .limitReached }
            let sealed: [UInt8]?
            switch ciphersuite.aead {
            case .aes128GCM: sealed = AES128GCM.seal(key: key, nonce: nonce(), aad: aad, plaintext: plaintext)
            case .chaCha20Poly1305: sealed = ChaCha20Poly1305.seal(key: key, nonce: nonce(), aad: aad, plaintext: plaintext)
            }
            guard let sealed else { throw .limitReached }  // a plaintext past the AEAD's length limit
            sequence += 1
            return sealed
        }

        mutating func open(_ ciphertext: [UInt8], aad: [UInt8]) throws(HPKEError) -> [UInt8] {
            guard sequence < UInt64.max else { throw .limitReached }
            let opened: [UInt8]
            do {
                switch ciphersuite.aead {
                case .aes128GCM: opened = try AES128GCM.open(key: key, nonce: nonce(), aad: aad, ciphertextAndTag: ciphertext)
                case .chaCha20Poly1305: opened = try ChaCha20Poly1305.open(key: key, nonce: nonce(), aad: aad, ciphertextAndTag: ciphertext)
                }
            } catch {
                throw .openFailed
            }
            sequence += 1
            return opened
        }

        func export(_ exporterContext: [UInt8], _ length: Int) throws(HPKEError) -> [UInt8] {
            guard length >= 0, length <= 255 * 32 else { throw .limitReached }
            return labeledExpand(ciphersuite.suiteID, prk: exporterSecret, label: "sec", info: exporterContext, length: length)
        }
    }
}

/// I2OSP for a 16-bit value.
func i2osp(_ n: UInt16, _ length: Int) -> [UInt8] {
    (0..<length).map { UInt8(truncatingIfNeeded: Int(n) >> (8 * (length - 1 - $0))) }
}
