import TelemetryDAP
import LocalPrivacy
import VDAF
import DAP
import HPKE
import UsageReport
import TestSupport
import AnonymousSummary
import Foundation
import TelemetrySender
import XCTest

/// The sender in LDP mode: one draw per process, every send repeats its bits; with a
/// persistent secret, the same bits after a restart; an ε out of range turns telemetry off.
final class TelemetryLDPTests: XCTestCase {
    let usage: ComponentUsage = {
        let yaml = Array("input: {generate: {mapping: root = 1}}\noutput: {aws_s3: {bucket: b}}\n".utf8)
        return (try? Summariser().usage(of: [ConfigSource(yaml)])) ?? ComponentUsage()
    }()
    let id = InstanceID(parsing: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")!
    let on = TelemetryStatus(destination: .endpoint, decidedBy: .configured)

    func configuration(_ privacy: TelemetryMode) -> TelemetryConfiguration {
        make { try TelemetryConfiguration(endpoint: URL(string: "http://127.0.0.1:9/none"), initialJitter: .zero, periodJitter: .zero,
                                          userAgent: "test/1", mode: privacy) }
    }

    func field(_ name: String, of payload: [UInt8]) -> String? {
        let text = String(decoding: payload, as: UTF8.self)
        guard let range = text.range(of: "\"\(name)\":") else { return nil }
        // A field's JSON text, without the white space that pads the payload.
        return String(text[range.upperBound...].prefix { $0 != "," && $0 != "}" && $0 != " " })
    }

    func testEverySendOfAProcessRepeatsTheSameBitsOnlyTheUptimeChanges() async throws {
        let clock = TestClock()
        let spy = SpyTransport()
        let sender = TelemetrySender(configuration: configuration(.ldp(epsilon: 1)), status: on, usage: usage, id: id,
                                     clock: clock, transport: { spy }, randomFraction: { 0 })
        await sender.start()
        for sends in 1...4 {
            let sleeping = await clock.waitForSleepers(1)
            XCTAssertTrue(sleeping)
            clock.advance(by: sends == 1 ? .seconds(300) : .seconds(86_400))
            let sent = await eventually { spy.payloads.count == sends }
            XCTAssertTrue(sent)
        }
        await sender.stop()
        let bits = Set(spy.payloads.map { field("bits", of: $0) })
        XCTAssertEqual(bits.count, 1, "one draw per process")
        XCTAssertEqual(spy.payloads.map { field("uptime", of: $0) }, ["0", "86400", "172800", "259200"], "whole hours")
        XCTAssertEqual(field("epsilon", of: spy.payloads[0]), "1.0")
        let report = try XCTUnwrap(sender.ldpReport)
        XCTAssertEqual(spy.payloads[0], report.summary(id: id, uptimeSeconds: 0).jsonBytes())
    }

    func testWithAPersistentSecretARestartSendsTheSameBits() throws {
        let secret = try XCTUnwrap(LDPSecret(key: Array(repeating: 7, count: 32)))
        let first = TelemetrySender(configuration: configuration(.ldp(epsilon: 2, secret: secret)), status: on, usage: usage, id: id)
        let restarted = TelemetrySender(configuration: configuration(.ldp(epsilon: 2, secret: secret)), status: on, usage: usage, id: .random())
        XCTAssertEqual(try XCTUnwrap(first.ldpReport).reported, try XCTUnwrap(restarted.ldpReport).reported)
        // Without the secret, processes draw afresh (342 bits: equal by chance with negligible probability).
        let a = TelemetrySender(configuration: configuration(.ldp(epsilon: 2)), status: on, usage: usage, id: id)
        let b = TelemetrySender(configuration: configuration(.ldp(epsilon: 2)), status: on, usage: usage, id: id)
        XCTAssertNotEqual(try XCTUnwrap(a.ldpReport).reported, try XCTUnwrap(b.ldpReport).reported)
    }

    func testAnEpsilonOutOfRangeTurnsTelemetryOffAndExactIsTheDefault() {
        for epsilon in [0, -1, 11, .nan, .infinity] {
            let status = TelemetryStatus.decide(arguments: [], environment: [:], configuration: configuration(.ldp(epsilon: epsilon)))
            XCTAssertEqual(status.decidedBy, .invalidPrivacy, "ε \(epsilon)")
            XCTAssertFalse(status.isEnabled)
        }
        let exact = make { try TelemetryConfiguration(endpoint: URL(string: "https://example.com/v1"), userAgent: "x/1") }
        guard case .exact = exact.mode else { return XCTFail("the default mode is not exact") }
        XCTAssertNil(TelemetrySender(configuration: exact, status: on, usage: usage).ldpReport)
    }
}
