import Foundation
import Primitives
import TestSupport
import XCTest

/// The primitives against Project Wycheproof (../shared/test-vectors/wycheproof; skipped with a
/// message without it): valid vectors agree, invalid ones are refused.
final class WycheproofTests: XCTestCase {
    static var shared: URL {
        if let dir = ProcessInfo.processInfo.environment["SHARED_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared")
    }

    static func groups(_ name: String) throws -> [[String: Any]] {
        let url = shared.appendingPathComponent("test-vectors/wycheproof/\(name)")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(url.path) is absent: the Wycheproof vectors live in ../shared (beside the project), which CI has and a user's clone does not")
        }
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try XCTUnwrap(root["testGroups"] as? [[String: Any]])
    }

    static let b = Hex.bytes

    func testX25519() throws {
        var valid = 0, acceptable = 0, zero = 0, invalid = 0
        for group in try Self.groups("x25519_test.json") {
            for t in group["tests"] as? [[String: Any]] ?? [] {
                let shared = Self.b(t["shared"] as? String ?? "")
                let got = X25519.scalarMult(Self.b(t["private"] as? String ?? ""), Self.b(t["public"] as? String ?? ""))
                let result = t["result"] as? String ?? ""
                if result == "invalid" {
                    XCTAssertNotEqual(got, shared, "tcId \(t["tcId"] ?? "")")
                    invalid += 1
                } else if shared.allSatisfy({ $0 == 0 }) {
                    XCTAssertNil(got, "tcId \(t["tcId"] ?? ""): an all-zero result is refused")
                    zero += 1
                } else {
                    XCTAssertEqual(got, shared, "tcId \(t["tcId"] ?? "")")
                    if result == "valid" { valid += 1 } else { acceptable += 1 }
                }
            }
        }
        print("Wycheproof x25519: \(valid) valid and \(acceptable) acceptable agree, \(zero) all-zero results refused, \(invalid) invalid")
        XCTAssertGreaterThan(valid + acceptable, 100)
    }

    func aead(_ file: String, keySize: Int, seal: ([UInt8], [UInt8], [UInt8], [UInt8]) -> [UInt8]?,
              open: ([UInt8], [UInt8], [UInt8], [UInt8]) -> [UInt8]?) throws -> (valid: Int, invalid: Int, skipped: Int) {
        var valid = 0, invalid = 0, skipped = 0
        for group in try Self.groups(file) {
            let ivSize = group["ivSize"] as? Int ?? 0, tagSize = group["tagSize"] as? Int ?? 0, keyBits = group["keySize"] as? Int ?? 0
            for t in group["tests"] as? [[String: Any]] ?? [] {
                let key = Self.b(t["key"] as? String ?? ""), iv = Self.b(t["iv"] as? String ?? ""), aad = Self.b(t["aad"] as? String ?? "")
                let msg = Self.b(t["msg"] as? String ?? ""), ct = Self.b(t["ct"] as? String ?? ""), tag = Self.b(t["tag"] as? String ?? "")
                let id = "\(file) tcId \(t["tcId"] ?? "")"
                guard ivSize == 96, tagSize == 128, keyBits == keySize * 8 else {
                    // Other sizes: this package takes only 96-bit nonces and 128-bit tags; such a key or nonce is refused.
                    if keyBits != keySize * 8 || ivSize != 96 { XCTAssertNil(seal(key, iv, aad, msg), id) }
                    skipped += 1
                    continue
                }
                if t["result"] as? String == "valid" {
                    XCTAssertEqual(seal(key, iv, aad, msg), ct + tag, id)
                    XCTAssertEqual(open(key, iv, aad, ct + tag), msg, id)
                    valid += 1
                } else {
                    XCTAssertNil(open(key, iv, aad, ct + tag), id)
                    invalid += 1
                }
            }
        }
        return (valid, invalid, skipped)
    }

    func testAES128GCM() throws {
        let r = try aead("aes_gcm_test.json", keySize: 16, seal: { AES128GCM.seal(key: $0, nonce: $1, aad: $2, plaintext: $3) },
                         open: { try? AES128GCM.open(key: $0, nonce: $1, aad: $2, ciphertextAndTag: $3) })
        print("Wycheproof aes_gcm (128-bit keys, 96-bit nonces, 128-bit tags): \(r.valid) valid agree, \(r.invalid) invalid refused; \(r.skipped) of other sizes")
        XCTAssertGreaterThan(r.valid, 20)
    }

    func testChaCha20Poly1305() throws {
        let r = try aead("chacha20_poly1305_test.json", keySize: 32, seal: { ChaCha20Poly1305.seal(key: $0, nonce: $1, aad: $2, plaintext: $3) },
                         open: { try? ChaCha20Poly1305.open(key: $0, nonce: $1, aad: $2, ciphertextAndTag: $3) })
        print("Wycheproof chacha20_poly1305 (96-bit nonces): \(r.valid) valid agree, \(r.invalid) invalid refused; \(r.skipped) of other sizes")
        XCTAssertGreaterThan(r.valid, 20)
    }
}
