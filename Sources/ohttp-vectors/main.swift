// ohttp-vectors: this package's OHTTP client and gateway as line-oriented hex on stdin/stdout,
// for Scripts/ohttp-interop to drive against an independent Python implementation. A
// developers' tool, not a product; every random value comes from the system CSPRNG.
//
//   ohttp-vectors gateway PRIVATE-KEY-HEX KEY-ID [aes|chacha|both]
//     prints the application/ohttp-keys list; then, per line read (a message/ohttp-req),
//     prints "ok REQUEST-BHTTP-HEX RESPONSE-OHTTP-RES-HEX" or "error WHY". The response
//     echoes what the gateway decoded: status 200, x-method, x-target, x-header-count,
//     the request's content, and an x-trailer-count trailer.
//   ohttp-vectors client
//     reads the gateway's application/ohttp-keys and the content to send (hex, a line each);
//     prints "suite AEAD-ID" and the message/ohttp-req; reads the message/ohttp-res; prints
//     "status N", "header NAME VALUE-HEX"..., "content HEX", "trailer NAME VALUE-HEX"..., "end".
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HPKE
import ObliviousHTTP

func hexBytes(_ text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(digits.count / 2)
    for i in stride(from: 0, to: digits.count, by: 2) {
        guard let byte = UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16) else { return nil }
        out.append(byte)
    }
    return out
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

func say(_ line: String) {
    print(line)
    fflush(nil)  // every stream: the driving script waits for this line
}

func fail(_ why: String) -> Never {
    let message = Array("ohttp-vectors: \(why)\n".utf8)
    _ = message.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
    exit(1)
}

func readHexLine(_ what: String) -> [UInt8] {
    guard let line = readLine() else { fail("expected \(what) on stdin") }
    guard let bytes = hexBytes(line) else { fail("\(what) is not hex") }
    return bytes
}

/// What the gateway answers: the request as it decoded it, so the other side can check.
func answer(_ request: BinaryHTTPRequest) throws -> BinaryHTTPResponse {
    try BinaryHTTPResponse(status: 200, headers: [
        BinaryHTTPField(name: "x-method", value: request.method),
        BinaryHTTPField(name: "x-target", value: "\(request.scheme)://\(request.authority)\(request.path)"),
        BinaryHTTPField(name: "x-header-count", value: "\(request.headers.count)"),
    ] + request.headers.map { try BinaryHTTPField(name: "x-echo-" + $0.name, value: $0.value) },
    content: request.content,
    trailers: [BinaryHTTPField(name: "x-trailer-count", value: "\(request.trailers.count)")])
}

func runGateway(_ arguments: ArraySlice<String>) throws {
    guard arguments.count >= 2, let secret = hexBytes(arguments[arguments.startIndex]), let keyID = UInt8(arguments[arguments.startIndex + 1]) else {
        fail("usage: ohttp-vectors gateway PRIVATE-KEY-HEX KEY-ID [aes|chacha|both]")
    }
    let suites: [HPKECiphersuite]
    switch arguments.dropFirst(2).first ?? "both" {
    case "aes": suites = [.x25519SHA256AES128GCM]
    case "chacha": suites = [.x25519SHA256ChaChaPoly]
    case "both": suites = [.x25519SHA256AES128GCM, .x25519SHA256ChaChaPoly]
    case let other: fail("unknown suite \(other)")
    }
    let gateway = OHTTPGateway(keys: [try OHTTPGatewayKey(keyID: keyID, privateKey: HPKEPrivateKey(rawRepresentation: secret), ciphersuites: suites)])
    say(hexString(gateway.encodedKeyConfigs))
    var rng = SystemRandomNumberGenerator()
    while let line = readLine() {
        guard let bytes = hexBytes(line) else {
            say("error not hex")
            continue
        }
        do {
            let opened = try gateway.decapsulate(bytes)
            let response = try answer(BinaryHTTPRequest(decoding: opened.request))
            say("ok \(hexString(opened.request)) \(hexString(try opened.encapsulateResponse(response.encoded(), using: &rng)))")
        } catch {
            say("error \(error)")
        }
    }
}

func runClient() throws {
    let configs = try OHTTPKeyConfig.decodeList(readHexLine("the gateway's application/ohttp-keys"))
    let content = readHexLine("the content to send")
    guard let (config, suite) = OHTTPKeyConfig.firstSupported(in: configs) else { throw ObliviousHTTPError.noSupportedSuite }
    let request = try BinaryHTTPRequest(method: "POST", scheme: "https", authority: "gateway.example", path: "/ohttp-interop?from=swift",
                                        headers: [BinaryHTTPField(name: "user-agent", value: "ohttp-vectors"),
                                                  BinaryHTTPField(name: "content-type", value: "application/octet-stream")],
                                        content: content,
                                        trailers: [BinaryHTTPField(name: "x-trailer", value: "end")])
    var rng = SystemRandomNumberGenerator()
    let client = try OHTTPClientRequest(encapsulating: request.encoded(), to: config, ciphersuite: suite, using: &rng)
    say("suite \(suite.aead.rawValue)")
    say(hexString(client.encapsulatedRequest))
    let response = try BinaryHTTPResponse(decoding: client.decapsulateResponse(readHexLine("the message/ohttp-res")))
    say("status \(response.status)")
    for field in response.headers { say("header \(field.name) \(hexString(field.value))") }
    say("content \(hexString(response.content))")
    for field in response.trailers { say("trailer \(field.name) \(hexString(field.value))") }
    say("end")
}

let arguments = CommandLine.arguments.dropFirst()
do {
    switch arguments.first {
    case "gateway": try runGateway(arguments.dropFirst())
    case "client": try runClient()
    default: fail("usage: ohttp-vectors gateway PRIVATE-KEY-HEX KEY-ID [aes|chacha|both] | ohttp-vectors client")
    }
} catch {
    fail("\(error)")
}
