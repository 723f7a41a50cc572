import HPKE
import ObliviousHTTP
import Primitives
import XCTest

/// Every malformed encapsulated request and response is refused with its own error: truncated,
/// altered (ciphertext, tag, header, nonce), another key identifier, a suite not offered, empty.
final class OHTTPRefusalTests: XCTestCase {
    typealias Example = RFC9458ExampleTests

    func gateway() throws -> OHTTPGateway {
        OHTTPGateway(keys: [try RFC9458ExampleTests.gatewayKey()])
    }

    func assertRefused<T>(_ expected: ObliviousHTTPError, _ body: @autoclosure () throws -> T,
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? ObliviousHTTPError, expected, file: file, line: line)
        }
    }

    func testMalformedResponsesAreRefused() throws {
        let client = try RFC9458ExampleTests.clientRequest()
        let good = hex(Example.encapsulatedResponse)
        XCTAssertNoThrow(try client.decapsulateResponse(good))
        assertRefused(.responseTooShort(0), try client.decapsulateResponse([]))
        assertRefused(.responseTooShort(31), try client.decapsulateResponse(Array(good.prefix(31))))
        // Every cut that still holds nonce and tag fails the tag check.
        for length in 32..<good.count {
            assertRefused(.responseDoesNotOpen, try client.decapsulateResponse(Array(good.prefix(length))))
        }
        assertRefused(.responseDoesNotOpen, try client.decapsulateResponse(good + [0]))
        // Every single bit flipped anywhere: nonce, ciphertext or tag.
        for i in good.indices {
            for bit in 0..<8 {
                var altered = good
                altered[i] ^= 1 << bit
                assertRefused(.responseDoesNotOpen, try client.decapsulateResponse(altered))
            }
        }
    }

    func testResponseToAnotherRequestDoesNotOpen() throws {
        var g = SplitMix64(seed: 9458)
        let config = try RFC9458ExampleTests.gatewayKey().config
        let first = try OHTTPClientRequest(encapsulating: hex(Example.request), to: config, using: &g)
        let second = try OHTTPClientRequest(encapsulating: hex(Example.request), to: config, using: &g)
        let opened = try gateway().decapsulate(first.encapsulatedRequest)
        let response = try opened.encapsulateResponse(hex(Example.response), using: &g)
        XCTAssertEqual(try first.decapsulateResponse(response), hex(Example.response))
        assertRefused(.responseDoesNotOpen, try second.decapsulateResponse(response))
    }

    func testMalformedRequestsAreRefused() throws {
        let gateway = try gateway()
        let good = hex(Example.encapsulatedRequest)
        assertRefused(.requestTooShort(0), try gateway.decapsulate([]))
        assertRefused(.requestTooShort(6), try gateway.decapsulate(Array(good.prefix(6))))
        assertRefused(.requestTooShort(54), try gateway.decapsulate(Array(good.prefix(7 + 32 + 15))))
        for length in (7 + 32 + 16)..<good.count {
            assertRefused(.requestDoesNotOpen, try gateway.decapsulate(Array(good.prefix(length))))
        }
        assertRefused(.requestDoesNotOpen, try gateway.decapsulate(good + [0]))
        // Another key identifier.
        var otherKey = good
        otherKey[0] = 2
        assertRefused(.unknownKeyID(2), try gateway.decapsulate(otherKey))
        // Suites the key does not offer: AES-256-GCM, P-256, HKDF-SHA384.
        var aes256 = good
        aes256[6] = 2
        assertRefused(.unsupportedSuite(kemID: 0x20, kdfID: 1, aeadID: 2), try gateway.decapsulate(aes256))
        var p256 = good
        p256[2] = 0x10
        assertRefused(.unsupportedSuite(kemID: 0x10, kdfID: 1, aeadID: 1), try gateway.decapsulate(p256))
        var sha384 = good
        sha384[4] = 2
        assertRefused(.unsupportedSuite(kemID: 0x20, kdfID: 2, aeadID: 1), try gateway.decapsulate(sha384))
        // A suite the key offers, but not the one the request was sealed with: the header is in `info`.
        var chacha = good
        chacha[6] = 3
        assertRefused(.requestDoesNotOpen, try gateway.decapsulate(chacha))
        // A low-order point as enc.
        var lowOrder = good
        lowOrder.replaceSubrange(7..<39, with: [UInt8](repeating: 0, count: 32))
        assertRefused(.badEncapsulatedKey, try gateway.decapsulate(lowOrder))
        // Every bit of enc and ciphertext.
        for i in 7..<good.count {
            for bit in 0..<8 {
                var altered = good
                altered[i] ^= 1 << bit
                XCTAssertThrowsError(try gateway.decapsulate(altered), "byte \(i) bit \(bit)")
            }
        }
    }

    /// A suite this package implements, but not one the gateway offers with that key.
    func testSuiteNotOfferedWithTheKeyIsRefused() throws {
        var g = SplitMix64(seed: 3)
        let privateKey = HPKEPrivateKey(using: &g)
        let aesOnly = OHTTPGateway(keys: [try OHTTPGatewayKey(keyID: 4, privateKey: privateKey, ciphersuites: [.x25519SHA256AES128GCM])])
        let both = try OHTTPGatewayKey(keyID: 4, privateKey: privateKey).config
        let chacha = try OHTTPClientRequest(encapsulating: hex(Example.request), to: both, ciphersuite: .x25519SHA256ChaChaPoly, using: &g)
        assertRefused(.unsupportedSuite(kemID: 0x20, kdfID: 1, aeadID: 3), try aesOnly.decapsulate(chacha.encapsulatedRequest))
        let aes = try OHTTPClientRequest(encapsulating: hex(Example.request), to: both, ciphersuite: .x25519SHA256AES128GCM, using: &g)
        XCTAssertEqual(try aesOnly.decapsulate(aes.encapsulatedRequest).request, hex(Example.request))
    }

    func testClientRefusesAConfigWithoutASupportedSuite() throws {
        var g = SplitMix64(seed: 1)
        // The example's configuration with AES-256-GCM and an export-only AEAD instead.
        var bytes = hex(Example.keyConfig)
        bytes.replaceSubrange((bytes.count - 8)..., with: [0, 1, 0, 2, 0, 1, 0xFF, 0xFF])
        let config = try OHTTPKeyConfig(decoding: bytes)
        XCTAssertEqual(config.supportedCiphersuites, [])
        assertRefused(.noSupportedSuite, try OHTTPClientRequest(encapsulating: [], to: config, using: &g))
        let offered = try RFC9458ExampleTests.gatewayKey().config
        let aesOnly = try OHTTPKeyConfig(keyID: 1, publicKey: HPKEPublicKey(rawRepresentation: offered.publicKey), ciphersuites: [.x25519SHA256AES128GCM])
        assertRefused(.noSupportedSuite, try OHTTPClientRequest(encapsulating: [], to: aesOnly, ciphersuite: .x25519SHA256ChaChaPoly, using: &g))
        assertRefused(.noCiphersuite, try OHTTPGatewayKey(keyID: 1, privateKey: HPKEPrivateKey(using: &g), ciphersuites: []))
    }

    func testRoundTripWithEachSuiteAndBinaryHTTP() throws {
        var g = SplitMix64(seed: 2)
        let key = try OHTTPGatewayKey(keyID: 7, privateKey: HPKEPrivateKey(using: &g))
        let gateway = OHTTPGateway(keys: [key])
        let configs = try OHTTPKeyConfig.decodeList(gateway.encodedKeyConfigs)
        XCTAssertEqual(configs, [key.config])
        for suite in [HPKECiphersuite.x25519SHA256AES128GCM, .x25519SHA256ChaChaPoly] {
            let request = try BinaryHTTPRequest(method: "POST", scheme: "https", authority: "collector.example", path: "/upload",
                                                headers: [BinaryHTTPField(name: "content-type", value: "application/octet-stream")],
                                                content: Array("payload".utf8))
            let client = try OHTTPClientRequest(encapsulating: request.encoded(), to: configs[0], ciphersuite: suite, using: &g)
            XCTAssertEqual(client.encapsulatedRequest.count, 7 + 32 + request.encoded().count + 16)
            let opened = try gateway.decapsulate(client.encapsulatedRequest)
            XCTAssertEqual(opened.ciphersuite, suite)
            XCTAssertEqual(try BinaryHTTPRequest(decoding: opened.request), request)
            let response = try BinaryHTTPResponse(status: 204, headers: [BinaryHTTPField(name: "x-suite", value: "\(suite.aead.rawValue)")])
            let sealed = try opened.encapsulateResponse(response.encoded(), using: &g)
            XCTAssertEqual(sealed.count, (suite.aead == .aes128GCM ? 16 : 32) + response.encoded().count + 16)
            XCTAssertEqual(try BinaryHTTPResponse(decoding: client.decapsulateResponse(sealed)), response)
        }
    }
}
