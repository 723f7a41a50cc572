import Primitives
import TestSupport
import Foundation
@testable import HPKE
import XCTest

/// HPKE against RFC 9180's published base-mode vectors for DHKEM(X25519, HKDF-SHA256),
/// HKDF-SHA256 with AES-128-GCM and with ChaCha20Poly1305 (copied here from Appendix A, so every
/// clone checks them), and a seal/open round trip with fresh keys.
final class HPKETests: XCTestCase {
    struct Vector {
        var aead: HPKECiphersuite.AEAD
        var info, ikmE, pkEm, skEm, ikmR, pkRm, skRm, enc, sharedSecret, key, baseNonce: String
        var encryptions: [(seq: Int, pt: String, aad: String, ct: String)]
    }

    static let pt = "4265617574792069732074727574682c20747275746820626561757479"
    static let vectors: [Vector] = [
        Vector(aead: .aes128GCM, info: "4f6465206f6e2061204772656369616e2055726e",
               ikmE: "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
               pkEm: "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
               skEm: "52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736",
               ikmR: "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
               pkRm: "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
               skRm: "4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8",
               enc: "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
               sharedSecret: "fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc",
               key: "4531685d41d65f03dc48f6b8302c05b0", baseNonce: "56d890e5accaaf011cff4b7d",
               encryptions: [
                   (0, pt, "436f756e742d30", "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a"),
                   (1, pt, "436f756e742d31", "af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84"),
                   (255, pt, "436f756e742d323535", "7175db9717964058640a3a11fb9007941a5d1757fda1a6935c805c21af32505bf106deefec4a49ac38d71c9e0a"),
                   (256, pt, "436f756e742d323536", "957f9800542b0b8891badb026d79cc54597cb2d225b54c00c5238c25d05c30e3fbeda97d2e0e1aba483a2df9f2"),
               ]),
        Vector(aead: .chaCha20Poly1305, info: "4f6465206f6e2061204772656369616e2055726e",
               ikmE: "909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b",
               pkEm: "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
               skEm: "f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600",
               ikmR: "1ac01f181fdf9f352797655161c58b75c656a6cc2716dcb66372da835542e1df",
               pkRm: "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a",
               skRm: "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb",
               enc: "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
               sharedSecret: "0bbe78490412b4bbea4812666f7916932b828bba79942424abb65244930d69a7",
               key: "ad2744de8e17f4ebba575b3f5f5a8fa1f69c2a07f6e7500bc60ca6e3e3ec1c91", baseNonce: "5c4d98150661b848853b547f",
               encryptions: [
                   (0, pt, "436f756e742d30", "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28"),
                   (1, pt, "436f756e742d31", "6b53c051e4199c518de79594e1c4ab18b96f081549d45ce015be002090bb119e85285337cc95ba5f59992dc98c"),
               ]),
    ]

    static func bytes(_ hex: String) -> [UInt8] { Hex.bytes(hex) }
    static func hex(_ b: [UInt8]) -> String { Hex.string(b) }

    /// RFC 9180 A.1.1's exported values (AES-128-GCM suite): (exporter_context, L = 32, value).
    static let exports: [(String, String)] = [
        ("", "3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee"),
        ("00", "2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5"),
        ("54657374436f6e74657874", "e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931"),
    ]

    func testRFC9180BaseModeVectors() throws {
        for v in Self.vectors {
            let suite = HPKECiphersuite(aead: v.aead)
            let e = try HPKEPrivateKey(derivedFrom: Self.bytes(v.ikmE))
            XCTAssertEqual(Self.hex(e.rawRepresentation), v.skEm)
            XCTAssertEqual(Self.hex(e.publicKey.rawRepresentation), v.pkEm)
            let r = try HPKEPrivateKey(derivedFrom: Self.bytes(v.ikmR))
            XCTAssertEqual(Self.hex(r.rawRepresentation), v.skRm)
            XCTAssertEqual(Self.hex(r.publicKey.rawRepresentation), v.pkRm)
            var sender = try HPKESender(recipientKey: r.publicKey, ciphersuite: suite, info: Self.bytes(v.info), ephemeralKey: e)
            XCTAssertEqual(Self.hex(sender.encapsulatedKey), v.enc)
            XCTAssertEqual(Self.hex(sender.context.key), v.key)
            XCTAssertEqual(Self.hex(sender.context.baseNonce), v.baseNonce)
            var recipient = try HPKERecipient(privateKey: r, ciphersuite: suite, info: Self.bytes(v.info), encapsulatedKey: sender.encapsulatedKey)
            // Messages in order; those between the vector's sequence numbers are filler.
            var sequence = 0
            for c in v.encryptions {
                while sequence < c.seq {
                    let filler = try sender.seal([UInt8(sequence & 0xff)])
                    XCTAssertEqual(try recipient.open(filler), [UInt8(sequence & 0xff)])
                    sequence += 1
                }
                let sealed = try sender.seal(Self.bytes(c.pt), authenticating: Self.bytes(c.aad))
                XCTAssertEqual(Self.hex(sealed), c.ct, "\(v.aead) sequence \(c.seq)")
                XCTAssertEqual(Self.hex(try recipient.open(Self.bytes(c.ct), authenticating: Self.bytes(c.aad))), c.pt)
                sequence += 1
            }
            if v.aead == .aes128GCM {
                for (context, value) in Self.exports {
                    XCTAssertEqual(Self.hex(try sender.exportSecret(context: Self.bytes(context), outputByteCount: 32)), value)
                    XCTAssertEqual(Self.hex(try recipient.exportSecret(context: Self.bytes(context), outputByteCount: 32)), value)
                }
            }
        }
    }

    /// Errors read as words in a log or a message, never as Swift case names (`badKey`).
    func testErrorsAreWords() {
        for error in [HPKEError.badKey, .badEncapsulation, .openFailed, .limitReached] {
            XCTAssertNil("\(error)".range(of: #"[a-z][A-Z]"#, options: .regularExpression), "\(error)")
        }
    }

    func testSealOpenRoundTripAndTamperingIsRefused() throws {
        var g = SystemRandomNumberGenerator()
        for aead in HPKECiphersuite.AEAD.allCases {
            let suite = HPKECiphersuite(aead: aead)
            let r = HPKEPrivateKey(using: &g)
            let message = Array("a DAP input share".utf8)
            func opened(_ enc: [UInt8], _ ct: [UInt8], info: [UInt8] = [1, 2], aad: [UInt8] = [3]) throws -> [UInt8] {
                var recipient = try HPKERecipient(privateKey: r, ciphersuite: suite, info: info, encapsulatedKey: enc)
                return try recipient.open(ct, authenticating: aad)
            }
            var sender = try HPKESender(recipientKey: r.publicKey, ciphersuite: suite, info: [1, 2], using: &g)
            let ct = try sender.seal(message, authenticating: [3])
            XCTAssertEqual(try opened(sender.encapsulatedKey, ct), message)
            var bad = ct
            bad[0] ^= 1
            XCTAssertThrowsError(try opened(sender.encapsulatedKey, bad)) { XCTAssertEqual($0 as? HPKEError, .openFailed) }
            XCTAssertThrowsError(try opened(sender.encapsulatedKey, ct, aad: [4]))
            XCTAssertThrowsError(try opened(sender.encapsulatedKey, ct, info: [9]))
            XCTAssertThrowsError(try opened([UInt8](repeating: 0, count: 32), ct), "a low-order encapsulation") {
                XCTAssertEqual($0 as? HPKEError, .badEncapsulation)
            }
            // A fresh ephemeral key each context: two senders never share an encapsulation.
            let other = try HPKESender(recipientKey: r.publicKey, ciphersuite: suite, info: [1, 2], using: &g)
            XCTAssertNotEqual(other.encapsulatedKey, sender.encapsulatedKey)
        }
        XCTAssertThrowsError(try HPKEPublicKey(rawRepresentation: [UInt8](repeating: 0, count: 32)), "a low-order point")
        XCTAssertThrowsError(try HPKEPublicKey(rawRepresentation: [1, 2, 3]))
    }
}
