import TelemetryDAP
import AnonymousSummary
import LocalPrivacy
import VDAF
import DAP
import HPKE
import UsageReport
import TestSupport
import Foundation
import TelemetrySender
import XCTest

final class TelemetryDecisionTests: XCTestCase {
    let configured = make { try TelemetryConfiguration(endpoint: URL(string: "https://collector.example/v1"), userAgent: "host/1.0",
                                            hostVariable: "MYHOST_TELEMETRY", debugVariable: "MYHOST_TELEMETRY_DEBUG") }

    func decide(_ arguments: [String] = [], _ environment: [String: String] = [:],
                _ configuration: TelemetryConfiguration? = nil) -> TelemetryStatus {
        TelemetryStatus.decide(arguments: arguments, environment: environment, configuration: configuration ?? configured)
    }

    func testAConfiguredEndpointTurnsItOn() {
        XCTAssertEqual(decide(), TelemetryStatus(destination: .endpoint, decidedBy: .configured))
        XCTAssertTrue(decide().isEnabled)
    }

    func testNoEndpointMeansOff() {
        var noEndpoint = configured
        noEndpoint.endpoint = nil
        XCTAssertEqual(decide([], [:], noEndpoint), TelemetryStatus(destination: nil, decidedBy: .noEndpoint))
    }

    func testEachOptOut() {
        XCTAssertEqual(decide(["serve", "--disable-telemetry"]).decidedBy, .flag)
        for off in ["off", "OFF", "0", "false", "no", "disabled"] {
            XCTAssertEqual(decide([], ["MYHOST_TELEMETRY": off]).decidedBy, .hostVariable("MYHOST_TELEMETRY"), off)
        }
        for value in ["1", "true", "yes", "anything"] {
            XCTAssertEqual(decide([], ["DO_NOT_TRACK": value]).decidedBy, .doNotTrack, value)
            XCTAssertFalse(decide([], ["DO_NOT_TRACK": value]).isEnabled)
        }
    }

    func testValuesThatDoNotOptOut() {
        XCTAssertTrue(decide([], ["DO_NOT_TRACK": ""]).isEnabled)
        XCTAssertTrue(decide([], ["DO_NOT_TRACK": "0"]).isEnabled)
        XCTAssertTrue(decide([], ["MYHOST_TELEMETRY": "on"]).isEnabled)
        XCTAssertTrue(decide(["--disable-telemetry-not"]).isEnabled)
    }

    func testPrecedenceIsFlagThenHostVariableThenDoNotTrackThenConfiguration() {
        let all = ["MYHOST_TELEMETRY": "off", "DO_NOT_TRACK": "1", "MYHOST_TELEMETRY_DEBUG": "1"]
        XCTAssertEqual(decide(["--disable-telemetry"], all).decidedBy, .flag)
        XCTAssertEqual(decide([], all).decidedBy, .hostVariable("MYHOST_TELEMETRY"))
        XCTAssertEqual(decide([], ["DO_NOT_TRACK": "1", "MYHOST_TELEMETRY_DEBUG": "1"]).decidedBy, .doNotTrack)
        XCTAssertEqual(decide([], ["MYHOST_TELEMETRY_DEBUG": "1"]),
                       TelemetryStatus(destination: .standardError, decidedBy: .debugVariable("MYHOST_TELEMETRY_DEBUG")))
    }

    func testTheStatusSaysWhatDecided() {
        XCTAssertTrue(decide([], ["DO_NOT_TRACK": "1"]).description.contains("DO_NOT_TRACK"))
        XCTAssertTrue(decide(["--disable-telemetry"]).description.contains("--disable-telemetry"))
        XCTAssertTrue(decide().description.contains("on"))
    }
}
