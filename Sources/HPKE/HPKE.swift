import Primitives

/// HPKE (RFC 9180), base mode, DHKEM(X25519, HKDF-SHA256) with HKDF-SHA256 and AES-128-GCM or
/// ChaCha20-Poly1305: what a DAP client needs to encrypt each input share to its aggregator.
/// Standard library only; SHA-256, HMAC and HKDF are the core's (checked against FIPS 180-4,
/// RFC 4231, RFC 5869 and Wycheproof), the primitives this target's own files (checked against
/// RFC 7748, RFC 8439, FIPS 197 / SP 800-38D and Wycheproof).
public enum HPKE {
    public enum AEAD: UInt16, Sendable, CaseIterable {
        case aes128gcm = 0x0001
        case chacha20poly1305 = 0x0003

        public var keySize: Int { self == .aes128gcm ? 16 : 32 }
        public static let nonceSize = 12

        func seal(key: [UInt8], nonce: [UInt8], aad: [UInt8], plaintext: [UInt8]) -> [UInt8]? {
            switch self {
            case .aes128gcm: AES128GCM.seal(key: key, nonce: nonce, aad: aad, plaintext: plaintext)
            case .chacha20poly1305: ChaCha20Poly1305.seal(key: key, nonce: nonce, aad: aad, plaintext: plaintext)
            }
        }

        func open(key: [UInt8], nonce: [UInt8], aad: [UInt8], ciphertext: [UInt8]) -> [UInt8]? {
            switch self {
            case .aes128gcm: AES128GCM.open(key: key, nonce: nonce, aad: aad, ciphertextAndTag: ciphertext)
            case .chacha20poly1305: ChaCha20Poly1305.open(key: key, nonce: nonce, aad: aad, ciphertextAndTag: ciphertext)
            }
        }
    }

    public static let kemID: UInt16 = 0x0020   // DHKEM(X25519, HKDF-SHA256)
    public static let kdfID: UInt16 = 0x0001   // HKDF-SHA256

    public enum HPKEError: Error, Equatable, Sendable, CustomStringConvertible {
        case badKey
        case badEncapsulation
        case openFailed

        /// In words, for logs and messages a person reads.
        public var description: String {
            switch self {
            case .badKey: "not a usable X25519 key (32 bytes, not a low-order point)"
            case .badEncapsulation: "not a usable encapsulated key (32 bytes, not a low-order point)"
            case .openFailed: "the ciphertext does not open (another key, enc, info or aad, or altered)"
            }
        }
    }

    static func i2osp(_ n: Int, _ length: Int) -> [UInt8] {
        (0..<length).map { UInt8(truncatingIfNeeded: n >> (8 * (length - 1 - $0))) }
    }

    static let kemSuiteID: [UInt8] = Array("KEM".utf8) + i2osp(Int(kemID), 2)
    static func suiteID(_ aead: AEAD) -> [UInt8] {
        Array("HPKE".utf8) + i2osp(Int(kemID), 2) + i2osp(Int(kdfID), 2) + i2osp(Int(aead.rawValue), 2)
    }

    static func labeledExtract(_ suite: [UInt8], salt: [UInt8], label: String, ikm: [UInt8]) -> [UInt8] {
        HKDFSHA256.extract(salt: salt, ikm: Array("HPKE-v1".utf8) + suite + Array(label.utf8) + ikm)
    }

    static func labeledExpand(_ suite: [UInt8], prk: [UInt8], label: String, info: [UInt8], length: Int) -> [UInt8] {
        HKDFSHA256.expand(prk: prk, info: i2osp(length, 2) + Array("HPKE-v1".utf8) + suite + Array(label.utf8) + info, length: length) ?? []
    }

    /// DeriveKeyPair for X25519 (RFC 9180 section 7.1.3): (private key, public key).
    public static func deriveKeyPair(ikm: [UInt8]) throws(HPKEError) -> (privateKey: [UInt8], publicKey: [UInt8]) {
        let prk = labeledExtract(kemSuiteID, salt: [], label: "dkp_prk", ikm: ikm)
        let sk = labeledExpand(kemSuiteID, prk: prk, label: "sk", info: [], length: 32)
        guard let pk = X25519.publicKey(sk) else { throw .badKey }
        return (sk, pk)
    }

    static func extractAndExpand(dh: [UInt8], kemContext: [UInt8]) -> [UInt8] {
        let prk = labeledExtract(kemSuiteID, salt: [], label: "eae_prk", ikm: dh)
        return labeledExpand(kemSuiteID, prk: prk, label: "shared_secret", info: kemContext, length: 32)
    }

    /// Encap with a given ephemeral key pair (a fresh random one in `seal`).
    static func encap(recipient pkR: [UInt8], ephemeral: (privateKey: [UInt8], publicKey: [UInt8])) throws(HPKEError)
        -> (sharedSecret: [UInt8], enc: [UInt8])
    {
        guard pkR.count == 32, let dh = X25519.scalarMult(ephemeral.privateKey, pkR) else { throw .badKey }
        let enc = ephemeral.publicKey
        return (extractAndExpand(dh: dh, kemContext: enc + pkR), enc)
    }

    static func decap(enc: [UInt8], recipientPrivateKey skR: [UInt8]) throws(HPKEError) -> [UInt8] {
        guard enc.count == 32 else { throw .badEncapsulation }
        guard let dh = X25519.scalarMult(skR, enc), let pkR = X25519.publicKey(skR) else { throw .badEncapsulation }
        return extractAndExpand(dh: dh, kemContext: enc + pkR)
    }

    /// The base mode's key schedule: (key, base nonce).
    static func keySchedule(_ aead: AEAD, sharedSecret: [UInt8], info: [UInt8]) -> (key: [UInt8], baseNonce: [UInt8]) {
        let suite = suiteID(aead)
        let pskIDHash = labeledExtract(suite, salt: [], label: "psk_id_hash", ikm: [])
        let infoHash = labeledExtract(suite, salt: [], label: "info_hash", ikm: info)
        let context = [0] + pskIDHash + infoHash
        let secret = labeledExtract(suite, salt: sharedSecret, label: "secret", ikm: [])
        return (labeledExpand(suite, prk: secret, label: "key", info: context, length: aead.keySize),
                labeledExpand(suite, prk: secret, label: "base_nonce", info: context, length: AEAD.nonceSize))
    }

    /// The nonce of message `sequence`: base nonce XOR the sequence number.
    static func nonce(_ base: [UInt8], _ sequence: Int) -> [UInt8] {
        zip(base, i2osp(sequence, AEAD.nonceSize)).map { $0 ^ $1 }
    }

    /// Single-shot seal (RFC 9180 section 6.1): (enc, ciphertext), with a fresh ephemeral key
    /// from `g` (the system CSPRNG in every use but tests).
    public static func seal<G: RandomNumberGenerator>(_ aead: AEAD, recipientPublicKey pkR: [UInt8], info: [UInt8], aad: [UInt8],
                                                      plaintext: [UInt8], using g: inout G) throws(HPKEError)
        -> (enc: [UInt8], ciphertext: [UInt8])
    {
        var ikm = [UInt8](repeating: 0, count: 32)
        for i in ikm.indices { ikm[i] = UInt8(truncatingIfNeeded: g.next()) }
        return try seal(aead, recipientPublicKey: pkR, info: info, aad: aad, plaintext: plaintext, ephemeral: try deriveKeyPair(ikm: ikm))
    }

    /// The same with a given ephemeral key pair (for test vectors).
    public static func seal(_ aead: AEAD, recipientPublicKey pkR: [UInt8], info: [UInt8], aad: [UInt8], plaintext: [UInt8],
                            ephemeral: (privateKey: [UInt8], publicKey: [UInt8]), sequence: Int = 0) throws(HPKEError)
        -> (enc: [UInt8], ciphertext: [UInt8])
    {
        let (shared, enc) = try encap(recipient: pkR, ephemeral: ephemeral)
        let (key, base) = keySchedule(aead, sharedSecret: shared, info: info)
        guard let ct = aead.seal(key: key, nonce: nonce(base, sequence), aad: aad, plaintext: plaintext) else { throw .badKey }
        return (enc, ct)
    }

    /// Single-shot open.
    public static func open(_ aead: AEAD, enc: [UInt8], recipientPrivateKey skR: [UInt8], info: [UInt8], aad: [UInt8],
                            ciphertext: [UInt8], sequence: Int = 0) throws(HPKEError) -> [UInt8] {
        let shared = try decap(enc: enc, recipientPrivateKey: skR)
        let (key, base) = keySchedule(aead, sharedSecret: shared, info: info)
        guard let pt = aead.open(key: key, nonce: nonce(base, sequence), aad: aad, ciphertext: ciphertext) else { throw .openFailed }
        return pt
    }
}
