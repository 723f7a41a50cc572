import HPKE

// RFC 9458 sections 4.3 and 4.4, the client's side: encapsulate a request, open its response.

/// One Oblivious HTTP request from a client: the `message/ohttp-req` bytes to post to the relay,
/// and what it takes to open the gateway's answer to them (the HPKE context, kept here, never
/// shown). Use one per request: the response keys are bound to this request's `enc`.
public struct OHTTPClientRequest: Sendable {
    /// `hdr || enc || ct`: the body of the POST to the relay (media type `message/ohttp-req`).
    public let encapsulatedRequest: [UInt8]
    /// The suite chosen from the gateway's configuration.
    public let ciphersuite: HPKECiphersuite
    let sender: HPKESender

    /// Encapsulates `request` (a `message/bhttp` request, e.g. `BinaryHTTPRequest.encoded()`)
    /// to `config` with its first suite this package implements, and a fresh ephemeral key from
    /// `g` (the system CSPRNG in every use but tests). Throws `noSupportedSuite` when it has none.
    public init<G: RandomNumberGenerator>(encapsulating request: [UInt8], to config: OHTTPKeyConfig,
                                          using g: inout G) throws(ObliviousHTTPError) {
        guard let suite = config.supportedCiphersuites.first else { throw .noSupportedSuite }
        try self.init(encapsulating: request, to: config, ciphersuite: suite, ephemeralKey: HPKEPrivateKey(using: &g))
    }

    /// The same with a suite the caller picked; it must be one `config` offers.
    public init<G: RandomNumberGenerator>(encapsulating request: [UInt8], to config: OHTTPKeyConfig, ciphersuite: HPKECiphersuite,
                                          using g: inout G) throws(ObliviousHTTPError) {
        try self.init(encapsulating: request, to: config, ciphersuite: ciphersuite, ephemeralKey: HPKEPrivateKey(using: &g))
    }

    /// The same with a given ephemeral key: for RFC 9458's example only (an ephemeral key used
    /// twice links the two requests and breaks their encryption), so not public.
    package init(encapsulating request: [UInt8], to config: OHTTPKeyConfig, ciphersuite: HPKECiphersuite,
                 ephemeralKey: HPKEPrivateKey) throws(ObliviousHTTPError) {
        guard config.supportedCiphersuites.contains(ciphersuite), let publicKey = try? HPKEPublicKey(rawRepresentation: config.publicKey) else {
            throw .noSupportedSuite
        }
        let header = OHTTPRequestHeader.bytes(keyID: config.keyID, ciphersuite: ciphersuite)
        var sender: HPKESender
        let ciphertext: [UInt8]
        do {
            sender = try HPKESender(recipientKey: publicKey, ciphersuite: ciphersuite, info: OHTTPRequestHeader.info(header: header),
                                    ephemeralKey: ephemeralKey)
            ciphertext = try sender.seal(request)
        } catch {
            // The key was checked above; what is left is the AEAD's length limit.
            throw .messageTooLong
        }
        encapsulatedRequest = header + sender.encapsulatedKey + ciphertext
        self.ciphersuite = ciphersuite
        self.sender = sender
    }

    /// Opens the gateway's `message/ohttp-res` (`response_nonce || ct`) to the `message/bhttp`
    /// response inside. Throws `responseTooShort` below nonce and tag, `responseDoesNotOpen`
    /// for anything altered or meant for another request.
    public func decapsulateResponse(_ encapsulatedResponse: [UInt8]) throws(ObliviousHTTPError) -> [UInt8] {
        let aead = ciphersuite.aead
        let nonceLength = OHTTPResponseKeys.secretLength(aead)
        guard encapsulatedResponse.count >= nonceLength + OHTTPResponseKeys.tagLength else {
            throw .responseTooShort(encapsulatedResponse.count)
        }
        let secret: [UInt8]
        do {
            secret = try sender.exportSecret(context: OHTTPResponseKeys.exporterContext, outputByteCount: nonceLength)
        } catch {
            throw .messageTooLong  // not reached: 16 or 32 bytes is far below the export limit
        }
        let keys = OHTTPResponseKeys(secret: secret, encapsulatedKey: sender.encapsulatedKey,
                                     responseNonce: Array(encapsulatedResponse[..<nonceLength]), aead: aead)
        return try keys.open(Array(encapsulatedResponse[nonceLength...]), aead: aead)
    }
}
