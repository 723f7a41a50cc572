import HPKE
import Primitives

// RFC 9458 section 4.4: the key and nonce that protect a response, from the request's context.

/// The response's AEAD key and nonce: `secret = context.Export("message/bhttp response",
/// max(Nn, Nk))`, `prk = Extract(enc || response_nonce, secret)`, `key = Expand(prk, "key", Nk)`,
/// `nonce = Expand(prk, "nonce", Nn)`. Package access so tests can check each intermediate value
/// of RFC 9458's example. Straight-line code: no branch depends on a secret.
package struct OHTTPResponseKeys: Sendable {
    package static let exporterContext = Array("message/bhttp response".utf8)
    package let prk: [UInt8]
    package let key: [UInt8]
    package let nonce: [UInt8]

    /// `Nk` of the AEAD (`Nn` is 12 for both).
    package static func keyLength(_ aead: HPKECiphersuite.AEAD) -> Int { aead == .aes128GCM ? 16 : 32 }
    package static let nonceLength = 12
    static let tagLength = 16

    /// max(Nn, Nk): the length of the exported secret and of `response_nonce`.
    package static func secretLength(_ aead: HPKECiphersuite.AEAD) -> Int { max(nonceLength, keyLength(aead)) }

    package init(secret: [UInt8], encapsulatedKey enc: [UInt8], responseNonce: [UInt8], aead: HPKECiphersuite.AEAD) {
        prk = HKDFSHA256.extract(salt: enc + responseNonce, ikm: secret)
        // Lengths of 12 to 32 bytes are far below HKDF's 255 · 32.
        key = HKDFSHA256.expand(prk: prk, info: Array("key".utf8), length: Self.keyLength(aead)) ?? []
        nonce = HKDFSHA256.expand(prk: prk, info: Array("nonce".utf8), length: Self.nonceLength) ?? []
    }

    func seal(_ plaintext: [UInt8], aead: HPKECiphersuite.AEAD) throws(ObliviousHTTPError) -> [UInt8] {
        let sealed: [UInt8]?
        switch aead {
        case .aes128GCM: sealed = AES128GCM.seal(key: key, nonce: nonce, aad: [], plaintext: plaintext)
        case .chaCha20Poly1305: sealed = ChaCha20Poly1305.seal(key: key, nonce: nonce, aad: [], plaintext: plaintext)
        }
        guard let sealed else { throw .messageTooLong }
        return sealed
    }

    func open(_ ciphertext: [UInt8], aead: HPKECiphersuite.AEAD) throws(ObliviousHTTPError) -> [UInt8] {
        do {
            switch aead {
            case .aes128GCM: return try AES128GCM.open(key: key, nonce: nonce, aad: [], ciphertextAndTag: ciphertext)
            case .chaCha20Poly1305: return try ChaCha20Poly1305.open(key: key, nonce: nonce, aad: [], ciphertextAndTag: ciphertext)
            }
        } catch {
            throw .responseDoesNotOpen
        }
    }
}

/// RFC 9458 section 4.3's header, `key_id || kem_id || kdf_id || aead_id`, and the HPKE `info`
/// built from it: "message/bhttp request" || 0 || header.
enum OHTTPRequestHeader {
    static let length = 7

    static func bytes(keyID: UInt8, ciphersuite: HPKECiphersuite) -> [UInt8] {
        [keyID] + be16(HPKECiphersuite.kemID) + be16(HPKECiphersuite.kdfID) + be16(ciphersuite.aead.rawValue)
    }

    static func info(header: [UInt8]) -> [UInt8] {
        Array("message/bhttp request".utf8) + [0] + header
    }

    static func be16(_ n: UInt16) -> [UInt8] { [UInt8(n >> 8), UInt8(truncatingIfNeeded: n)] }
}
