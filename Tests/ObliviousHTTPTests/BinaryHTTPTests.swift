import ObliviousHTTP
import Primitives
import XCTest

/// Binary HTTP (RFC 9292), known length: the RFC's two known-length examples byte for byte
/// (copied from /work/shared/specs/draft-ietf-httpbis-binary-message-rfc9292.md, section 5),
/// the truncation and padding it allows, a seeded round trip, and strict refusals.
final class BinaryHTTPTests: XCTestCase {
    /// "Known-Length Binary Encoding of Request" (RFC 9292 Figure 6).
    static let requestExample = """
        00034745 54056874 74707300 0a2f6865 6c6c6f2e 74787440 6c0a7573 65722d61
        67656e74 34637572 6c2f372e 31362e33 206c6962 6375726c 2f372e31 362e3320
        4f70656e 53534c2f 302e392e 376c207a 6c69622f 312e322e 3304686f 73740f77
        77772e65 78616d70 6c652e63 6f6d0f61 63636570 742d6c61 6e677561 67650665
        6e2c206d 690000
        """
    /// "Indefinite-Length Binary Encoding of Request" (Figure 7): framing 2, not read here.
    static let indeterminateRequestExample = """
        02034745 54056874 74707300 0a2f6865 6c6c6f2e 7478740a 75736572 2d616765
        """
    /// "Known-Length Encoding of Response" (Figure 11).
    static let responseExample = """
        0140c800 1d546869 7320636f 6e74656e 7420636f 6e746169 6e732043 524c462e
        0d0a0d07 74726169 6c657204 74657874
        """

    func exampleRequest() throws -> BinaryHTTPRequest {
        try BinaryHTTPRequest(method: "GET", scheme: "https", authority: "", path: "/hello.txt", headers: [
            BinaryHTTPField(name: "user-agent", value: "curl/7.16.3 libcurl/7.16.3 OpenSSL/0.9.7l zlib/1.2.3"),
            BinaryHTTPField(name: "host", value: "www.example.com"),
            BinaryHTTPField(name: "accept-language", value: "en, mi"),
        ])
    }

    func exampleResponse() throws -> BinaryHTTPResponse {
        try BinaryHTTPResponse(status: 200, content: Array("This content contains CRLF.\r\n".utf8),
                               trailers: [BinaryHTTPField(name: "trailer", value: "text")])
    }

    func assertRefused(_ reason: BinaryHTTPError.Reason, at offset: Int?, _ body: @autoclosure () throws -> Any,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? BinaryHTTPError, BinaryHTTPError(reason, at: offset), file: file, line: line)
        }
    }

    func testRequestExample() throws {
        let bytes = hex(Self.requestExample)
        XCTAssertEqual(hex(try exampleRequest().encoded()), hex(bytes))
        XCTAssertEqual(try BinaryHTTPRequest(decoding: bytes), try exampleRequest())
        // "the last two bytes - corresponding to content and a trailer section - can each be removed".
        XCTAssertEqual(try BinaryHTTPRequest(decoding: bytes.dropLast(1)), try exampleRequest())
        XCTAssertEqual(try BinaryHTTPRequest(decoding: bytes.dropLast(2)), try exampleRequest())
        XCTAssertEqual(hex(try exampleRequest().encoded(omittingEmptyTail: true)), hex(bytes.dropLast(2)))
        // Zero padding reads as the same message; a non-zero byte there does not.
        XCTAssertEqual(try BinaryHTTPRequest(decoding: bytes + [0, 0, 0]), try exampleRequest())
        XCTAssertEqual(try exampleRequest().encoded(padding: 3), bytes + [0, 0, 0])
        assertRefused(.nonZeroPadding, at: bytes.count + 1, try BinaryHTTPRequest(decoding: bytes + [0, 1]))
    }

    func testResponseExample() throws {
        let bytes = hex(Self.responseExample)
        XCTAssertEqual(hex(try exampleResponse().encoded()), hex(bytes))
        XCTAssertEqual(try BinaryHTTPResponse(decoding: bytes), try exampleResponse())
        XCTAssertEqual(try BinaryHTTPResponse(decoding: bytes).trailers.first?.valueText, "text")
    }

    func testIndeterminateLengthAndWrongKindAreRefused() throws {
        assertRefused(.unsupportedFraming(2), at: 0, try BinaryHTTPRequest(decoding: hex(Self.indeterminateRequestExample)))
        assertRefused(.unsupportedFraming(3), at: 0, try BinaryHTTPResponse(decoding: [3, 0x40, 0xC8]))
        assertRefused(.unsupportedFraming(4), at: 0, try BinaryHTTPRequest(decoding: [4]))
        assertRefused(.wrongFraming(1), at: 0, try BinaryHTTPRequest(decoding: hex(Self.responseExample)))
        assertRefused(.wrongFraming(0), at: 0, try BinaryHTTPResponse(decoding: hex(Self.requestExample)))
        assertRefused(.truncated, at: 0, try BinaryHTTPRequest(decoding: []))
    }

    /// Every cut of the request example is refused except at the three points RFC 9292 section
    /// 3.8 allows (after the control data, the header section, the content).
    func testOnlyTheAllowedCutsDecode() throws {
        let bytes = hex(Self.requestExample)
        let controlEnd = 1 + 4 + 6 + 1 + 11
        var decoded: [Int] = []
        for length in 0..<bytes.count {
            if (try? BinaryHTTPRequest(decoding: Array(bytes.prefix(length)))) != nil { decoded.append(length) }
        }
        XCTAssertEqual(decoded, [controlEnd, bytes.count - 2, bytes.count - 1])
        let response = hex(Self.responseExample)
        decoded = []
        for length in 0..<response.count {
            if (try? BinaryHTTPResponse(decoding: Array(response.prefix(length)))) != nil { decoded.append(length) }
        }
        XCTAssertEqual(decoded, [3, 4, 4 + 1 + 29])
    }

    func testInformationalResponsesAreSkipped() throws {
        // 102 with "running: sleep 15", 103 with a link, then the example's 200.
        var bytes: [UInt8] = [1, 0x40, 0x66, 0x11, 7] + Array("running".utf8) + [8] + Array("sleep 15".utf8)
        bytes += [0x40, 0x67, 0x0C, 4] + Array("link".utf8) + [6] + Array("</a>;x".utf8)
        bytes += hex(Self.responseExample).dropFirst()
        XCTAssertEqual(try BinaryHTTPResponse(decoding: bytes), try exampleResponse())
        // An informational response cannot be cut: a final one must follow.
        assertRefused(.truncated, at: 3, try BinaryHTTPResponse(decoding: [1, 0x40, 0x66]))
        assertRefused(.invalidStatus(99), at: 1, try BinaryHTTPResponse(decoding: [1, 0x40, 99]))
        assertRefused(.invalidStatus(600), at: 1, try BinaryHTTPResponse(decoding: [1, 0x42, 0x58]))
        XCTAssertThrowsError(try BinaryHTTPResponse(status: 101))
    }

    func testFieldsAreCheckedAsHTTP2Does() throws {
        assertRefused(.upperCaseFieldName, at: nil, try BinaryHTTPField(name: "Host", value: "x"))
        assertRefused(.invalidFieldName, at: nil, try BinaryHTTPField(name: "", value: "x"))
        assertRefused(.invalidFieldName, at: nil, try BinaryHTTPField(name: "a b", value: "x"))
        assertRefused(.pseudoField, at: nil, try BinaryHTTPField(name: ":path", value: "/"))
        for value in ["a\r\nb", "a\0", " a", "a\t", "a\n"] {
            assertRefused(.invalidFieldValue, at: nil, try BinaryHTTPField(name: "x", value: value))
        }
        XCTAssertNoThrow(try BinaryHTTPField(name: "x", value: ""))
        XCTAssertNil(try BinaryHTTPField(name: "x", value: [0x80, 0xFF]).valueText)  // obs-text: valid, not UTF-8
        // In a message: the example with "user-agent" as "User-agent" (offset of its field line).
        var bytes = hex(Self.requestExample)
        bytes[26] = UInt8(ascii: "U")
        assertRefused(.upperCaseFieldName, at: 25, try BinaryHTTPRequest(decoding: bytes))
        // A field line whose value runs past the header section's end.
        var crossing = hex(Self.requestExample)
        crossing[23...24] = [0x40, 0x6B]  // header section one byte shorter
        assertRefused(.fieldLineCrossesSection, at: 110, try BinaryHTTPRequest(decoding: crossing))
        // A length past the end of the message.
        assertRefused(.lengthPastEnd(9), at: 1, try BinaryHTTPRequest(decoding: [0, 9, 0x47]))
    }

    func testControlDataIsChecked() throws {
        assertRefused(.invalidMethod, at: nil, try BinaryHTTPRequest(method: "", scheme: "https", authority: "a", path: "/"))
        assertRefused(.invalidMethod, at: nil, try BinaryHTTPRequest(method: "G T", scheme: "https", authority: "a", path: "/"))
        assertRefused(.invalidScheme, at: nil, try BinaryHTTPRequest(method: "GET", scheme: "1ttp", authority: "a", path: "/"))
        assertRefused(.invalidAuthority, at: nil, try BinaryHTTPRequest(method: "GET", scheme: "https", authority: "a/b", path: "/"))
        assertRefused(.invalidPath, at: nil, try BinaryHTTPRequest(method: "GET", scheme: "https", authority: "a", path: "x"))
        assertRefused(.invalidPath, at: nil, try BinaryHTTPRequest(method: "GET", scheme: "https", authority: "a", path: "/a b"))
        XCTAssertNoThrow(try BinaryHTTPRequest(method: "OPTIONS", scheme: "https", authority: "[::1]:8443", path: "*"))
        XCTAssertNoThrow(try BinaryHTTPRequest(method: "CONNECT", scheme: "", authority: "a.example:443", path: ""))
        var bytes = hex(Self.requestExample)
        bytes[13] = UInt8(ascii: " ")  // "/hello.txt" → " hello.txt"
        assertRefused(.invalidPath, at: 12, try BinaryHTTPRequest(decoding: bytes))
    }

    func testVariableLengthIntegersOfEveryLengthAreRead() throws {
        // Content length 3 as 1, 2, 4 and 8 bytes (RFC 9292: not necessarily minimal).
        let head: [UInt8] = [0, 3] + Array("GET".utf8) + [0, 0, 1, UInt8(ascii: "/"), 0]
        for length in [[0x03], [0x40, 0x03], [0x80, 0, 0, 0x03], [0xC0, 0, 0, 0, 0, 0, 0, 0x03]] as [[UInt8]] {
            XCTAssertEqual(try BinaryHTTPRequest(decoding: head + length + [1, 2, 3]).content, [1, 2, 3])
        }
        // A length of 2^62 - 1 in an 8-byte message: refused, not allocated.
        assertRefused(.lengthPastEnd((1 << 62) - 1), at: head.count,
                      try BinaryHTTPRequest(decoding: head + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]))
        assertRefused(.truncated, at: head.count, try BinaryHTTPRequest(decoding: head + [0xC0, 0]))
    }

    func testSeededRoundTrip() throws {
        var g = SplitMix64(seed: 9292)
        let nameBytes = Array("abcdefghijklmnopqrstuvwxyz0123456789-_!#$%&'*+.^`|~".utf8)
        func field() throws -> BinaryHTTPField {
            let name = (0..<Int.random(in: 1...20, using: &g)).map { _ in nameBytes.randomElement(using: &g) ?? 0x61 }
            var value = (0..<Int.random(in: 0...80, using: &g)).map { _ in UInt8.random(in: 0x20...0xFF, using: &g) }
            if value.first == 0x20 { value[0] = 0x21 }
            if value.last == 0x20 { value[value.count - 1] = 0x21 }
            return try BinaryHTTPField(name: String(decoding: name, as: UTF8.self), value: value)
        }
        for round in 0..<300 {
            let headers = try (0..<Int.random(in: 0...6, using: &g)).map { _ in try field() }
            let trailers = try (0..<Int.random(in: 0...2, using: &g)).map { _ in try field() }
            let content = (0..<[0, 1, 63, 64, 16383, 16384][round % 6]).map { _ in UInt8.random(in: 0...255, using: &g) }
            let omit = Bool.random(using: &g), padding = Int.random(in: 0...3, using: &g)
            let request = try BinaryHTTPRequest(method: ["GET", "POST", "PUT"][round % 3], scheme: "https",
                                                authority: "h\(round).example:8443", path: "/p/\(round)?q=\(round)",
                                                headers: headers, content: content, trailers: trailers)
            XCTAssertEqual(try BinaryHTTPRequest(decoding: request.encoded(omittingEmptyTail: omit, padding: padding)), request,
                           "seed 9292 round \(round)")
            let response = try BinaryHTTPResponse(status: 200 + round, headers: headers, content: content, trailers: trailers)
            XCTAssertEqual(try BinaryHTTPResponse(decoding: response.encoded(omittingEmptyTail: omit, padding: padding)), response,
                           "seed 9292 round \(round)")
        }
    }

    /// Any byte string: decoding returns or throws, never traps, and allocates within the input.
    func testArbitraryBytesNeverTrap() {
        var g = SplitMix64(seed: 7)
        let seeds = [hex(Self.requestExample), hex(Self.responseExample)]
        for round in 0..<4000 {
            var bytes = seeds[round % 2]
            for _ in 0..<Int.random(in: 1...4, using: &g) {
                bytes[Int.random(in: 0..<bytes.count, using: &g)] = UInt8.random(in: 0...255, using: &g)
            }
            if round % 5 == 0 { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &g))) }
            _ = try? BinaryHTTPRequest(decoding: bytes)
            _ = try? BinaryHTTPResponse(decoding: bytes)
        }
    }
}
