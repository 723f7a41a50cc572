import HPKE

/// Why an Oblivious HTTP (RFC 9458) operation failed, in words for logs. None of them says more
/// than the bytes on the wire already do: a failed open is one case whatever the cause.
public enum ObliviousHTTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An `application/ohttp-keys` list or a key configuration that is not well formed, with the
    /// offset of the byte at fault. RFC 9458 section 3.2: a client discards the whole list.
    case malformedKeyConfig(KeyConfigProblem, offset: Int)
    /// No configuration (or not this one) offers a suite this package implements:
    /// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM or ChaCha20-Poly1305.
    case noSupportedSuite
    /// A gateway key was given no cipher suite to offer.
    case noCiphersuite
    /// An encapsulated request shorter than its header, `enc` and an AEAD tag.
    case requestTooShort(Int)
    /// The request names a key identifier the gateway does not hold.
    case unknownKeyID(UInt8)
    /// The request's KEM, KDF and AEAD are not a suite the gateway offers with that key.
    case unsupportedSuite(kemID: UInt16, kdfID: UInt16, aeadID: UInt16)
    /// The request's `enc` is not a usable X25519 public key (a low-order point).
    case badEncapsulatedKey
    /// The request does not open: another key, altered bytes, or another header.
    case requestDoesNotOpen
    /// An encapsulated response shorter than its nonce and an AEAD tag.
    case responseTooShort(Int)
    /// The response does not open: altered, truncated inside the ciphertext, or for another request.
    case responseDoesNotOpen
    /// A message past the AEAD's length limit.
    case messageTooLong

    /// What is wrong in a key configuration's bytes.
    public enum KeyConfigProblem: Equatable, Sendable {
        /// An empty list (the media type holds one or more configurations).
        case empty
        /// The bytes end inside a length, a configuration or a field.
        case truncated
        /// A configuration's bytes are longer than its fields.
        case trailingBytes
        /// "HPKE Symmetric Algorithms Length (16) = 4..65532", a multiple of 4.
        case badSymmetricAlgorithmsLength(Int)
        /// A KEM whose public key length this package does not know (in a list, such a
        /// configuration is passed over, since its length prefix delimits it).
        case unknownKEM(UInt16)
        /// An X25519 public key that is a low-order point.
        case badPublicKey
    }

    public var description: String {
        switch self {
        case .malformedKeyConfig(let problem, let offset):
            let what: String
            switch problem {
            case .empty: what = "the list is empty"
            case .truncated: what = "the bytes end inside a configuration"
            case .trailingBytes: what = "a configuration is longer than its fields"
            case .badSymmetricAlgorithmsLength(let n): what = "symmetric algorithms length \(n) is not a multiple of 4 in 4...65532"
            case .unknownKEM(let id): what = "KEM 0x\(String(id, radix: 16)) has no known public key length"
            case .badPublicKey: what = "the X25519 public key is a low-order point"
            }
            return "OHTTP key configuration, byte \(offset): \(what)"
        case .noSupportedSuite:
            return "no key configuration offers DHKEM(X25519, HKDF-SHA256) with HKDF-SHA256 and AES-128-GCM or ChaCha20-Poly1305"
        case .noCiphersuite: return "a gateway key needs at least one cipher suite"
        case .requestTooShort(let n): return "encapsulated request of \(n) bytes is shorter than header, enc and tag"
        case .unknownKeyID(let id): return "no gateway key has identifier \(id)"
        case .unsupportedSuite(let kem, let kdf, let aead):
            return "suite KEM 0x\(String(kem, radix: 16)), KDF 0x\(String(kdf, radix: 16)), AEAD 0x\(String(aead, radix: 16)) is not offered with this key"
        case .badEncapsulatedKey: return "the request's encapsulated key is not a usable X25519 key"
        case .requestDoesNotOpen: return "the encapsulated request does not open"
        case .responseTooShort(let n): return "encapsulated response of \(n) bytes is shorter than nonce and tag"
        case .responseDoesNotOpen: return "the encapsulated response does not open"
        case .messageTooLong: return "the message is past the AEAD's length limit"
        }
    }
}
