import HPKE

// RFC 9458 sections 4.3 and 4.4, the gateway's side: open a request, encapsulate its response.

/// A gateway's key: its identifier, its X25519 private key and the suites accepted with it.
public struct OHTTPGatewayKey: Sendable {
    public let config: OHTTPKeyConfig
    let privateKey: HPKEPrivateKey

    /// Throws `noCiphersuite` for an empty `ciphersuites`.
    public init(keyID: UInt8, privateKey: HPKEPrivateKey,
                ciphersuites: [HPKECiphersuite] = [.x25519SHA256AES128GCM, .x25519SHA256ChaChaPoly]) throws(ObliviousHTTPError) {
        config = try OHTTPKeyConfig(keyID: keyID, publicKey: privateKey.publicKey, ciphersuites: ciphersuites)
        self.privateKey = privateKey
    }
}

/// An Oblivious Gateway Resource's cryptography: the keys it publishes, and the opening of
/// requests to them. It sees each request in clear but not who sent it (the relay does);
/// docs/ohttp.md says under which assumptions.
public struct OHTTPGateway: Sendable {
    public let keys: [OHTTPGatewayKey]

    /// When two keys share an identifier, the first is used.
    public init(keys: [OHTTPGatewayKey]) {
        self.keys = keys
    }

    /// The `application/ohttp-keys` list to publish: the same bytes for every client.
    public var encodedKeyConfigs: [UInt8] {
        OHTTPKeyConfig.encodeList(keys.map(\.config))
    }

    /// Opens a `message/ohttp-req`: finds the key by identifier, checks that the suite is one
    /// offered with it, and opens the ciphertext. Errors in that order, each a public fact
    /// about the bytes: `requestTooShort`, `unknownKeyID`, `unsupportedSuite`,
    /// `badEncapsulatedKey`, `requestDoesNotOpen`.
    public func decapsulate(_ encapsulatedRequest: [UInt8]) throws(ObliviousHTTPError) -> OHTTPGatewayRequest {
        let bytes = encapsulatedRequest
        let headerLength = OHTTPRequestHeader.length, encLength = 32
        guard bytes.count >= headerLength else { throw .requestTooShort(bytes.count) }
        let keyID = bytes[0]
        let kemID = UInt16(bytes[1]) << 8 | UInt16(bytes[2])
        let kdfID = UInt16(bytes[3]) << 8 | UInt16(bytes[4])
        let aeadID = UInt16(bytes[5]) << 8 | UInt16(bytes[6])
        guard let key = keys.first(where: { $0.config.keyID == keyID }) else { throw .unknownKeyID(keyID) }
        guard let suite = HPKECiphersuite(kemID: kemID, kdfID: kdfID, aeadID: aeadID), key.config.supportedCiphersuites.contains(suite) else {
            throw .unsupportedSuite(kemID: kemID, kdfID: kdfID, aeadID: aeadID)
        }
        guard bytes.count >= headerLength + encLength + OHTTPResponseKeys.tagLength else { throw .requestTooShort(bytes.count) }
        let header = Array(bytes[..<headerLength])
        let enc = Array(bytes[headerLength..<(headerLength + encLength)])
        var recipient: HPKERecipient
        do {
            recipient = try HPKERecipient(privateKey: key.privateKey, ciphersuite: suite, info: OHTTPRequestHeader.info(header: header),
                                          encapsulatedKey: enc)
        } catch {
            throw .badEncapsulatedKey
        }
        let request: [UInt8]
        do {
            request = try recipient.open(Array(bytes[(headerLength + encLength)...]))
        } catch {
            throw .requestDoesNotOpen
        }
        return OHTTPGatewayRequest(request: request, ciphersuite: suite, encapsulatedKey: enc, recipient: recipient)
    }
}

/// A request the gateway opened: its `message/bhttp` bytes, and what it takes to encapsulate
/// the answer so that only the client who sent it can open it.
public struct OHTTPGatewayRequest: Sendable {
    /// The `message/bhttp` request (decode it with `BinaryHTTPRequest(decoding:)`).
    public let request: [UInt8]
    public let ciphersuite: HPKECiphersuite
    let encapsulatedKey: [UInt8]
    let recipient: HPKERecipient

    /// Encapsulates `response` (a `message/bhttp` response) to `message/ohttp-res` bytes with a
    /// fresh `response_nonce` from `g` (the system CSPRNG in every use but tests).
    public func encapsulateResponse<G: RandomNumberGenerator>(_ response: [UInt8], using g: inout G) throws(ObliviousHTTPError) -> [UInt8] {
        let nonce = (0..<OHTTPResponseKeys.secretLength(ciphersuite.aead)).map { _ in UInt8.random(in: 0...255, using: &g) }
        return try encapsulateResponse(response, responseNonce: nonce)
    }

    /// The same with a given nonce: for RFC 9458's example only (a nonce used twice with one
    /// request reuses the AEAD key and nonce), so not public. `responseNonce` must be
    /// max(Nn, Nk) bytes (16 for AES-128-GCM, 32 for ChaCha20-Poly1305).
    package func encapsulateResponse(_ response: [UInt8], responseNonce: [UInt8]) throws(ObliviousHTTPError) -> [UInt8] {
        let aead = ciphersuite.aead
        let length = OHTTPResponseKeys.secretLength(aead)
        guard responseNonce.count == length else { throw .responseTooShort(responseNonce.count) }
        let secret: [UInt8]
        do {
            secret = try recipient.exportSecret(context: OHTTPResponseKeys.exporterContext, outputByteCount: length)
        } catch {
            throw .messageTooLong  // not reached: 16 or 32 bytes is far below the export limit
        }
        let keys = OHTTPResponseKeys(secret: secret, encapsulatedKey: encapsulatedKey, responseNonce: responseNonce, aead: aead)
        return try responseNonce + keys.seal(response, aead: aead)
    }
}
