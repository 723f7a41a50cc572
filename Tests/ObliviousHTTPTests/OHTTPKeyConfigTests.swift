import HPKE
import ObliviousHTTP
import Primitives
import XCTest

/// The `application/ohttp-keys` list (RFC 9458 section 3.2) is read strictly: every cut, every
/// appended byte, every bad length refused; a byte string decodes to configurations only when
/// it is their exact encoding, so no two clients can recover different sets from one list.
final class OHTTPKeyConfigTests: XCTestCase {
    let example = hex(RFC9458ExampleTests.keyConfig)
    var exampleList: [UInt8] { [0, UInt8(example.count)] + example }

    func assertMalformed(_ bytes: [UInt8], _ problem: ObliviousHTTPError.KeyConfigProblem, at offset: Int,
                         file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try OHTTPKeyConfig.decodeList(bytes), file: file, line: line) { error in
            XCTAssertEqual(error as? ObliviousHTTPError, .malformedKeyConfig(problem, offset: offset), file: file, line: line)
        }
    }

    func testListRoundTrip() throws {
        let configs = try OHTTPKeyConfig.decodeList(exampleList + exampleList)
        XCTAssertEqual(configs.count, 2)
        XCTAssertEqual(configs[0].keyID, 1)
        XCTAssertEqual(configs[0].kemID, 0x20)
        XCTAssertEqual(configs[0].symmetricAlgorithms, [.init(kdfID: 1, aeadID: 1), .init(kdfID: 1, aeadID: 3)])
        XCTAssertEqual(OHTTPKeyConfig.encodeList(configs), exampleList + exampleList)
    }

    func testEveryCutAndAppendedByteIsRefused() {
        assertMalformed([], .empty, at: 0)
        for length in 1..<exampleList.count {
            XCTAssertThrowsError(try OHTTPKeyConfig.decodeList(Array(exampleList.prefix(length))), "cut at \(length)")
        }
        assertMalformed(exampleList + [0], .truncated, at: exampleList.count + 1)
        // A length prefix one longer than the configuration: the list ends inside it.
        assertMalformed([0, UInt8(example.count + 1)] + example, .truncated, at: example.count + 2)
        // One shorter: the configuration ends inside its last pair.
        assertMalformed([0, UInt8(example.count - 1)] + example, .truncated, at: example.count + 1)
        // Configuration longer than its fields.
        assertMalformed([0, UInt8(example.count + 1)] + example + [0], .trailingBytes, at: example.count + 2)
    }

    func testSymmetricAlgorithmsLengthMustBeAPositiveMultipleOfFour() {
        for bad in [0, 3, 6, 10] {
            var config = Array(example.prefix(35)) + [0, UInt8(bad)]
            config += [UInt8](repeating: 1, count: bad)
            assertMalformed([0, UInt8(config.count)] + config, .badSymmetricAlgorithmsLength(bad), at: 2 + 35)
        }
    }

    func testLowOrderKeyIsRefused() {
        var config = example
        config.replaceSubrange(3..<35, with: [UInt8](repeating: 0, count: 32))
        assertMalformed([0, UInt8(config.count)] + config, .badPublicKey, at: 2 + 3)
    }

    func testUnknownKEMIsPassedOverAndKnownUnimplementedKEMIsKept() throws {
        let unknown: [UInt8] = [9, 0x12, 0x34, 1, 2, 3, 0, 4, 0, 1, 0, 1]  // KEM 0x1234: its key length is unknown
        XCTAssertEqual(try OHTTPKeyConfig.decodeList([0, UInt8(unknown.count)] + unknown + exampleList).map(\.keyID), [1])
        XCTAssertThrowsError(try OHTTPKeyConfig(decoding: unknown)) { error in
            XCTAssertEqual(error as? ObliviousHTTPError, .malformedKeyConfig(.unknownKEM(0x1234), offset: 1))
        }
        // DHKEM(P-256): known length (65), not implemented here: decoded, never selected.
        let p256: [UInt8] = [5, 0x00, 0x10] + [UInt8](repeating: 4, count: 65) + [0, 4, 0, 1, 0, 1]
        let configs = try OHTTPKeyConfig.decodeList([0, UInt8(p256.count)] + p256 + exampleList)
        XCTAssertEqual(configs.map(\.keyID), [5, 1])
        XCTAssertEqual(configs[0].supportedCiphersuites, [])
        let chosen = try XCTUnwrap(OHTTPKeyConfig.firstSupported(in: configs))
        XCTAssertEqual(chosen.config.keyID, 1)
        XCTAssertEqual(chosen.ciphersuite, .x25519SHA256AES128GCM)
        XCTAssertNil(OHTTPKeyConfig.firstSupported(in: [configs[0]]))
    }

    /// Mutating any byte either is refused or gives configurations whose encoding is exactly
    /// the mutated bytes: decoding is injective, with no lenient recovery.
    func testEveryDecodedListIsItsOwnEncoding() {
        let list = exampleList + exampleList
        var accepted = 0
        for i in list.indices {
            for value in [0, 1, 2, 3, 4, 0x10, 0x20, 0x2D, 0x2E, 0x80, 0xFF] as [UInt8] where value != list[i] {
                var mutated = list
                mutated[i] = value
                guard let configs = try? OHTTPKeyConfig.decodeList(mutated) else { continue }
                accepted += 1
                if configs.allSatisfy({ $0.kemID == 0x20 }) && configs.count == 2 {
                    XCTAssertEqual(OHTTPKeyConfig.encodeList(configs), mutated, "byte \(i) set to \(value)")
                }
            }
        }
        XCTAssertGreaterThan(accepted, 0)  // key identifiers and algorithm identifiers may change
    }
}
