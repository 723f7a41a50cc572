import HPKE
import ObliviousHTTP
import XCTest

/// RFC 9458 Appendix A ("Complete Example of a Request and Response"), every value in it
/// reproduced byte for byte from the example's fixed keys and response nonce (copied here from
/// /work/shared/specs/draft-ietf-ohai-ohttp-rfc9458.md, so every clone checks them).
final class RFC9458ExampleTests: XCTestCase {
    static let gatewaySecretKey = "3c168975674b2fa8e465970b79c8dcf09f1c741626480bd4c6162fc5b6a98e1a"
    static let keyConfig = "01002031e1f05a740102115220e9af918f738674aec95f54db6e04eb705aae8e 79815500080001000100010003"
    static let request = "00034745540568747470730b6578616d706c652e636f6d012f"
    static let ephemeralSecretKey = "bc51d5e930bda26589890ac7032f70ad12e4ecb37abb1b65b1256c9c48999c73"
    static let ephemeralPublicKey = "4b28f881333e7c164ffc499ad9796f877f4e1051ee6d31bad19dec96c208b472"
    static let info = "6d6573736167652f626874747020726571756573740001002000010001"
    static let encapsulatedRequest = """
        010020000100014b28f881333e7c164ffc499ad9796f877f4e1051ee6d31bad1
        9dec96c208b4726374e469135906992e1268c594d2a10c695d858c40a026e796
        5e7d86b83dd440b2c0185204b4d63525
        """
    static let response = "0140c8"
    static let secret = "62d87a6ba569ee81014c2641f52bea36"
    static let responseNonce = "c789e7151fcba46158ca84b04464910d"
    static let salt = "4b28f881333e7c164ffc499ad9796f877f4e1051ee6d31bad19dec96c208b472 c789e7151fcba46158ca84b04464910d"
    static let prk = "979aaeae066cf211ab407b31ae49767f344e1501e475c84e8aff547cc5a683db"
    static let aeadKey = "5d0172a080e428b16d298c4ea0db620d"
    static let aeadNonce = "f6bf1aeb88d6df87007fa263"
    static let encapsulatedResponse = """
        c789e7151fcba46158ca84b04464910d86f9013e404feea014e7be4a441f234f
        857fbd
        """

    static func gatewayKey() throws -> OHTTPGatewayKey {
        try OHTTPGatewayKey(keyID: 1, privateKey: HPKEPrivateKey(rawRepresentation: hex(Self.gatewaySecretKey)))
    }

    static func clientRequest() throws -> OHTTPClientRequest {
        let ephemeral = try HPKEPrivateKey(rawRepresentation: hex(Self.ephemeralSecretKey))
        return try OHTTPClientRequest(encapsulating: hex(Self.request), to: gatewayKey().config,
                                      ciphersuite: .x25519SHA256AES128GCM, ephemeralKey: ephemeral)
    }

    func testGatewayKeyConfigIsTheExamplesBytes() throws {
        let config = try Self.gatewayKey().config
        XCTAssertEqual(hex(config.encoded), hex(hex(Self.keyConfig)))
        XCTAssertEqual(try OHTTPKeyConfig(decoding: hex(Self.keyConfig)), config)
        XCTAssertEqual(config.supportedCiphersuites, [.x25519SHA256AES128GCM, .x25519SHA256ChaChaPoly])
    }

    func testBinaryHTTPRequestIsTheExamplesBytes() throws {
        let request = try BinaryHTTPRequest(method: "GET", scheme: "https", authority: "example.com", path: "/")
        XCTAssertEqual(hex(request.encoded(omittingEmptyTail: true)), Self.request)
        XCTAssertEqual(try BinaryHTTPRequest(decoding: hex(Self.request)), request)
    }

    func testEphemeralKeyAndInfo() throws {
        let ephemeral = try HPKEPrivateKey(rawRepresentation: hex(Self.ephemeralSecretKey))
        XCTAssertEqual(hex(ephemeral.publicKey.rawRepresentation), Self.ephemeralPublicKey)
        XCTAssertEqual(hex(Array("message/bhttp request".utf8) + [0] + hex(Self.encapsulatedRequest).prefix(7)), Self.info)
    }

    func testClientEncapsulatesTheExamplesRequest() throws {
        XCTAssertEqual(hex(try Self.clientRequest().encapsulatedRequest), hex(hex(Self.encapsulatedRequest)))
    }

    func testGatewayDecapsulatesTheExamplesRequest() throws {
        let gateway = OHTTPGateway(keys: [try Self.gatewayKey()])
        let opened = try gateway.decapsulate(hex(Self.encapsulatedRequest))
        XCTAssertEqual(hex(opened.request), Self.request)
        XCTAssertEqual(opened.ciphersuite, .x25519SHA256AES128GCM)
    }

    func testResponseKeyScheduleIntermediateValues() throws {
        let recipient = try HPKERecipient(privateKey: HPKEPrivateKey(rawRepresentation: hex(Self.gatewaySecretKey)),
                                          ciphersuite: .x25519SHA256AES128GCM, info: hex(Self.info),
                                          encapsulatedKey: hex(Self.ephemeralPublicKey))
        let secret = try recipient.exportSecret(context: OHTTPResponseKeys.exporterContext, outputByteCount: 16)
        XCTAssertEqual(hex(secret), Self.secret)
        XCTAssertEqual(hex(hex(Self.ephemeralPublicKey) + hex(Self.responseNonce)), hex(hex(Self.salt)))
        let keys = OHTTPResponseKeys(secret: secret, encapsulatedKey: hex(Self.ephemeralPublicKey),
                                     responseNonce: hex(Self.responseNonce), aead: .aes128GCM)
        XCTAssertEqual(hex(keys.prk), Self.prk)
        XCTAssertEqual(hex(keys.key), Self.aeadKey)
        XCTAssertEqual(hex(keys.nonce), Self.aeadNonce)
    }

    func testGatewayEncapsulatesTheExamplesResponse() throws {
        let response = try BinaryHTTPResponse(status: 200)
        XCTAssertEqual(hex(response.encoded(omittingEmptyTail: true)), Self.response)
        let opened = try OHTTPGateway(keys: [Self.gatewayKey()]).decapsulate(hex(Self.encapsulatedRequest))
        let sealed = try opened.encapsulateResponse(response.encoded(omittingEmptyTail: true), responseNonce: hex(Self.responseNonce))
        XCTAssertEqual(hex(sealed), hex(hex(Self.encapsulatedResponse)))
    }

    func testClientDecapsulatesTheExamplesResponse() throws {
        let opened = try Self.clientRequest().decapsulateResponse(hex(Self.encapsulatedResponse))
        XCTAssertEqual(hex(opened), Self.response)
        let response = try BinaryHTTPResponse(decoding: opened)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers, [])
        XCTAssertEqual(response.content, [])
    }
}
