import Primitives
import TestSupport
import SummaryChecks
import Foundation
import XCTest

/// SHA-256, HMAC-SHA256 and HKDF-SHA256 against their published vectors.
final class SHA256Tests: XCTestCase {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    /// FIPS 180-4's examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
    func testNISTExamples() {
        XCTAssertEqual(Self.hex(SHA256.hash(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Self.hex(SHA256.hash([UInt8]())), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Self.hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(Self.hex(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000))),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        XCTAssertEqual(Self.hex(SHA256.hash([UInt8](repeating: 0, count: 55))),
                       "02779466cdec163811d078815c633f21901413081449002f24aa3e80f0b88ef7")
        XCTAssertEqual(Self.hex(SHA256.hash([UInt8](repeating: 0, count: 56))),
                       "d4817aa5497628e7c77e6b606107042bbba3130888c5f47a375e6179be789fbb")
    }

    /// Fed in pieces of any size, through either update, the digest is the same.
    func testChunkingDoesNotMatter() {
        var g = SplitMix64(seed: 5)
        for _ in 0..<60 {
            let data = (0..<Int(g.next() % 700)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            let whole = SHA256.hash(data)
            var h = SHA256()
            var i = 0
            while i < data.count {
                let n = min(data.count - i, Int(g.next() % 150))
                if g.next() & 1 == 0 {
                    h.update(data[i..<(i + n)])
                } else {
                    data.withUnsafeBufferPointer { h.update(UnsafeBufferPointer(rebasing: $0[i..<(i + n)])) }
                }
                i += n
            }
            XCTAssertEqual(h.finalize(), whole)
        }
    }

    /// Wycheproof's hmac_sha256: every valid tag reproduced, every invalid one differs.
    func testWycheproofHMAC() throws {
        let url = try TestPaths.sharedFixture("test-vectors/wycheproof/hmac_sha256_test.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var valid = 0, invalid = 0
        for group in root["testGroups"] as! [[String: Any]] {
            let tagBytes = (group["tagSize"] as! Int) / 8
            for test in group["tests"] as! [[String: Any]] {
                let mac = HMACSHA256.mac(key: Self.bytes(test["key"] as! String), message: Self.bytes(test["msg"] as! String))
                let matches = Array(mac.prefix(tagBytes)) == Self.bytes(test["tag"] as! String)
                if test["result"] as! String == "valid" {
                    XCTAssertTrue(matches, "tcId \(test["tcId"]!)"); valid += 1
                } else {
                    XCTAssertFalse(matches, "tcId \(test["tcId"]!)"); invalid += 1
                }
            }
        }
        XCTAssertEqual(valid + invalid, root["numberOfTests"] as? Int)
        print("Wycheproof hmac_sha256: \(valid) valid agree, \(invalid) invalid refused")
    }

    /// Wycheproof's hkdf_sha256: valid ones agree; invalid ones (sizes over 255·32) are refused.
    func testWycheproofHKDF() throws {
        let url = try TestPaths.sharedFixture("test-vectors/wycheproof/hkdf_sha256_test.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var valid = 0, invalid = 0
        for group in root["testGroups"] as! [[String: Any]] {
            for test in group["tests"] as! [[String: Any]] {
                let okm = HKDFSHA256.derive(salt: Self.bytes(test["salt"] as! String), ikm: Self.bytes(test["ikm"] as! String),
                                            info: Self.bytes(test["info"] as! String), length: test["size"] as! Int)
                if test["result"] as! String == "valid" {
                    XCTAssertEqual(okm.map(Self.hex), test["okm"] as? String, "tcId \(test["tcId"]!)"); valid += 1
                } else {
                    XCTAssertNil(okm, "tcId \(test["tcId"]!)"); invalid += 1
                }
            }
        }
        XCTAssertEqual(valid + invalid, root["numberOfTests"] as? Int)
        print("Wycheproof hkdf_sha256: \(valid) valid agree, \(invalid) invalid refused")
    }

    /// RFC 5869 test case 1, in the repository so a user's clone checks HKDF too.
    func testRFC5869CaseOne() {
        let okm = HKDFSHA256.derive(salt: Self.bytes("000102030405060708090a0b0c"), ikm: [UInt8](repeating: 0x0b, count: 22),
                                    info: Self.bytes("f0f1f2f3f4f5f6f7f8f9"), length: 42)
        XCTAssertEqual(okm.map(Self.hex), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        // RFC 4231 test case 2 (HMAC-SHA256, key "Jefe").
        XCTAssertEqual(Self.hex(HMACSHA256.mac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
