import Foundation
import XCTest

/// Where the repository and the shared fixtures (`../shared`, beside the project root) are.
package enum TestPaths {
    /// The repository root, found from this file's path (Tests/Support/…).
    package static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared`, or `$SHARED_DIR` when set. A user's clone does not have it.
    package static var shared: URL {
        if let dir = ProcessInfo.processInfo.environment["SHARED_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The shared fixture at `relative`, or an XCTSkip that says why the test cannot run.
    package static func sharedFixture(_ relative: String) throws -> URL {
        let url = shared.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(url.path) is absent: this check needs the shared fixtures beside the project (../shared), which CI has and a user's clone does not")
        }
        return url
    }
}
