import Accounts
import EventStore
import HTTP
import Records
import XCTest

@testable import App
@testable import Operations

/// The one place typed errors become HTTP answers: status, headers and members for each kind.
final class ErrorMappingTests: XCTestCase {
    private func mapped(_ error: any Error) throws -> HTTPError {
        try XCTUnwrap(ErrorMapping.httpError(for: error) as? HTTPError, "\(error) must map to an HTTP problem")
    }

    func testCommandErrorsMapToTheirStatuses() throws {
        XCTAssertEqual(try mapped(CommandError.notFound).status, .notFound)
        XCTAssertEqual(try mapped(CommandError.alreadyExists).status, .conflict)
        XCTAssertEqual(try mapped(CommandError.contention).status, .conflict)
        XCTAssertEqual(try mapped(CommandError.targetHoldsMore(missing: ["super:*"])).status, .forbidden)
        let taken = try mapped(CommandError.emailTaken)
        XCTAssertEqual(taken.status, .conflict)
        XCTAssertTrue(taken.members.contains { $0.name == "errors" })
    }

    func testAVersionMismatchIs412WithTheCurrentVersionAsETag() throws {
        let error = try mapped(CommandError.versionMismatch(current: 7))
        XCTAssertEqual(error.status, .preconditionFailed)
        XCTAssertEqual(error.headers["ETag"], "\"7\"")
    }

    func testAnUnavailableDatabaseIs503WithRetryAfter() throws {
        for error: any Error in [CommandError.unavailable, AppendError.unavailable(nil)] {
            let mapped = try mapped(error)
            XCTAssertEqual(mapped.status, .serviceUnavailable)
            XCTAssertEqual(mapped.headers["Retry-After"], String(ErrorMapping.retryAfterSeconds))
        }
    }

    func testOAuthErrorsAre400Or429AndNeverCached() throws {
        let bad = try mapped(OAuthError.badCredentials)
        XCTAssertEqual(bad.status, .badRequest)
        XCTAssertEqual(bad.headers["Cache-Control"], "no-store")
        let throttled = try mapped(OAuthError(.slowDown, "wait", retryAfterSeconds: 30))
        XCTAssertEqual(throttled.status, .tooManyRequests)
        XCTAssertEqual(throttled.headers["Retry-After"], "30")
    }

    func testAnUnknownErrorPassesThroughToBecomeA500WithoutDetail() {
        struct Internal: Error {}
        XCTAssertTrue(ErrorMapping.httpError(for: Internal()) is Internal)
    }
}
