import HPKE

// RFC 9458 section 3: the key configuration a gateway publishes and a client encrypts to.

/// One gateway key configuration (RFC 9458 section 3.1): a key identifier, a KEM and its public
/// key, and the (KDF, AEAD) pairs the gateway accepts with it. Every client of a gateway must
/// get the same configuration (key consistency, docs/ohttp.md): one built for a single client
/// would tell the gateway who sent each request.
public struct OHTTPKeyConfig: Hashable, Sendable {
    /// An HPKE KDF and AEAD, by their registry identifiers.
    public struct SymmetricAlgorithm: Hashable, Sendable {
        public let kdfID: UInt16
        public let aeadID: UInt16

        public init(kdfID: UInt16, aeadID: UInt16) {
            self.kdfID = kdfID
            self.aeadID = aeadID
        }
    }

    public let keyID: UInt8
    public let kemID: UInt16
    /// The KEM's serialised public key (`Npk` bytes for `kemID`).
    public let publicKey: [UInt8]
    /// In the gateway's order; never empty.
    public let symmetricAlgorithms: [SymmetricAlgorithm]

    /// A gateway's configuration for an X25519 key and the suites it accepts (duplicates dropped).
    public init(keyID: UInt8, publicKey: HPKEPublicKey, ciphersuites: [HPKECiphersuite]) throws(ObliviousHTTPError) {
        var pairs: [SymmetricAlgorithm] = []
        for suite in ciphersuites {
            let pair = SymmetricAlgorithm(kdfID: HPKECiphersuite.kdfID, aeadID: suite.aead.rawValue)
            if !pairs.contains(pair) { pairs.append(pair) }
        }
        guard !pairs.isEmpty else { throw .noCiphersuite }
        self.keyID = keyID
        kemID = HPKECiphersuite.kemID
        self.publicKey = publicKey.rawRepresentation
        symmetricAlgorithms = pairs
    }

    /// The suites of this configuration that this package implements, in the gateway's order.
    public var supportedCiphersuites: [HPKECiphersuite] {
        symmetricAlgorithms.compactMap { HPKECiphersuite(kemID: kemID, kdfID: $0.kdfID, aeadID: $0.aeadID) }
    }

    /// The first configuration with a suite this package implements, and its first such suite
    /// (the gateway lists its preference first).
    public static func firstSupported(in configs: [OHTTPKeyConfig]) -> (config: OHTTPKeyConfig, ciphersuite: HPKECiphersuite)? {
        for config in configs {
            if let suite = config.supportedCiphersuites.first { return (config, suite) }
        }
        return nil
    }

    /// `Npk` of the KEMs in RFC 9180 section 7.1; another KEM's key cannot be delimited.
    static func publicKeyLength(kemID: UInt16) -> Int? {
        switch kemID {
        case 0x0010: 65  // DHKEM(P-256, HKDF-SHA256)
        case 0x0011: 97  // DHKEM(P-384, HKDF-SHA384)
        case 0x0012: 133  // DHKEM(P-521, HKDF-SHA512)
        case 0x0020: 32  // DHKEM(X25519, HKDF-SHA256)
        case 0x0021: 56  // DHKEM(X448, HKDF-SHA512)
        default: nil
        }
    }
}

extension OHTTPKeyConfig {
    /// Decodes one configuration (RFC 9458 section 3.1), all of `bytes` and nothing more.
    /// Refuses an unknown KEM (its key length is unknown), a truncated field, a symmetric
    /// algorithms length that is not a multiple of 4 in 4...65532, trailing bytes, and an
    /// X25519 key that is a low-order point, and more than 65,535 bytes (no list could hold it).
    public init(decoding bytes: [UInt8]) throws(ObliviousHTTPError) {
        try self.init(bytes[...], base: 0)
    }

    /// `base`: the offset of `bytes` in the enclosing list, so errors point into it.
    init(_ bytes: ArraySlice<UInt8>, base: Int) throws(ObliviousHTTPError) {
        let start = bytes.startIndex
        func fail(_ problem: ObliviousHTTPError.KeyConfigProblem, _ index: Int) -> ObliviousHTTPError {
            .malformedKeyConfig(problem, offset: base + index - start)
        }
        func u16(_ i: Int) -> UInt16 { UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]) }
        guard bytes.count <= 0xFFFF else { throw fail(.trailingBytes, start + 0xFFFF) }
        guard bytes.count >= 3 else { throw fail(.truncated, bytes.endIndex) }
        keyID = bytes[start]
        kemID = u16(start + 1)
        guard let npk = Self.publicKeyLength(kemID: kemID) else { throw fail(.unknownKEM(kemID), start + 1) }
        var i = start + 3
        guard bytes.endIndex - i >= npk + 2 else { throw fail(.truncated, bytes.endIndex) }
        publicKey = Array(bytes[i..<(i + npk)])
        if kemID == HPKECiphersuite.kemID {
            guard (try? HPKEPublicKey(rawRepresentation: publicKey)) != nil else { throw fail(.badPublicKey, i) }
        }
        i += npk
        let length = Int(u16(i))
        guard length >= 4, length <= 65532, length % 4 == 0 else { throw fail(.badSymmetricAlgorithmsLength(length), i) }
        i += 2
        guard bytes.endIndex - i >= length else { throw fail(.truncated, bytes.endIndex) }
        guard bytes.endIndex - i == length else { throw fail(.trailingBytes, i + length) }
        symmetricAlgorithms = stride(from: i, to: i + length, by: 4).map { SymmetricAlgorithm(kdfID: u16($0), aeadID: u16($0 + 2)) }
    }

    /// The configuration's bytes (RFC 9458 section 3.1), without a length prefix.
    public var encoded: [UInt8] {
        var out: [UInt8] = [keyID, UInt8(kemID >> 8), UInt8(truncatingIfNeeded: kemID)] + publicKey
        let length = symmetricAlgorithms.count * 4
        out += [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
        for pair in symmetricAlgorithms {
            out += [UInt8(pair.kdfID >> 8), UInt8(truncatingIfNeeded: pair.kdfID), UInt8(pair.aeadID >> 8), UInt8(truncatingIfNeeded: pair.aeadID)]
        }
        return out
    }

    /// Decodes an `application/ohttp-keys` list (RFC 9458 section 3.2): one or more
    /// configurations, each after a two-byte length. A configuration for a KEM whose key length
    /// is not known here is delimited by its length and passed over (it could not be used; every
    /// client of this package passes over the same ones); any other fault refuses the whole list,
    /// as the RFC requires ("Clients MUST discard incorrectly encoded key configuration
    /// collections"). The result may therefore be empty when the list is not.
    public static func decodeList(_ bytes: [UInt8]) throws(ObliviousHTTPError) -> [OHTTPKeyConfig] {
        guard !bytes.isEmpty else { throw .malformedKeyConfig(.empty, offset: 0) }
        var configs: [OHTTPKeyConfig] = []
        var i = 0
        while i < bytes.count {
            guard bytes.count - i >= 2 else { throw .malformedKeyConfig(.truncated, offset: bytes.count) }
            let length = Int(bytes[i]) << 8 | Int(bytes[i + 1])
            i += 2
            guard bytes.count - i >= length else { throw .malformedKeyConfig(.truncated, offset: bytes.count) }
            do throws(ObliviousHTTPError) {
                configs.append(try OHTTPKeyConfig(bytes[i..<(i + length)], base: i))
            } catch .malformedKeyConfig(.unknownKEM, _) {
                // Delimited by its length; nothing else of it can be checked.
            }
            i += length
        }
        return configs
    }

    /// An `application/ohttp-keys` list of `configs`. Every configuration's encoding fits the
    /// two-byte length: a gateway's has at most two pairs, and a decoded one is refused longer.
    public static func encodeList(_ configs: [OHTTPKeyConfig]) -> [UInt8] {
        var out: [UInt8] = []
        for config in configs {
            let bytes = config.encoded
            out += [UInt8(truncatingIfNeeded: bytes.count >> 8), UInt8(truncatingIfNeeded: bytes.count)] + bytes
        }
        return out
    }
}
