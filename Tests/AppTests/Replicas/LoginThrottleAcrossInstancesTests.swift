import Foundation
import Security
import TestSupport
import XCTest

@testable import App

/// Two instances on one database count failed logins together: guesses spread over both are throttled after exactly
/// as many failures as on one, and a success on one clears the count for both.
final class LoginThrottleAcrossInstancesTests: XCTestCase {
    private static let secret = ["EMPLOYEES_JWT_HS256_SECRET": "an instance-shared secret of at least 32 bytes!"]
    private static let password = "violet tramway nineteen lanterns"

    private func login(_ client: HTTPTestClient, _ username: String, _ password: String) async throws -> Int {
        try await client.form("/auth/token", [("grant_type", "password"), ("username", username), ("password", password)]).status
    }

    /// How many wrong passwords go through before the first refusal (429), taking the instances in turn.
    private func failuresBeforeThrottle(_ username: String, on instances: [ServiceHarness]) async throws -> Int {
        for attempt in 0..<30 {
            let status = try await login(instances[attempt % instances.count].client, username, "wrong guess \(attempt)")
            if status == 429 { return attempt }
            XCTAssertEqual(status, 400, "attempt \(attempt)")
        }
        return -1
    }

    func testGuessesSpreadOverTwoInstancesAreThrottledAfterAsManyFailuresAsOnOne() async throws {
        let first = try await ServiceHarness.start(environment: Self.secret)
        let second = try await first.startAnotherInstance(environment: Self.secret)
        let hasher = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 1))
        for email in ["alone@example.com", "spread@example.com", "cleared@example.com"] {
            try await first.makeEmployee(email: email, scopes: [.userRead], passwordHash: try hasher.hash(Self.password))
        }

        let onOne = try await failuresBeforeThrottle("alone@example.com", on: [first])
        XCTAssertEqual(onOne, LoginThrottlePolicy().freeFailuresPerAddress)
        let onTwo = try await failuresBeforeThrottle("spread@example.com", on: [first, second])
        XCTAssertEqual(onTwo, onOne, "two instances allow no more guesses than one")
        let refusedOnBoth = [
            try await login(first.client, "spread@example.com", Self.password),
            try await login(second.client, "spread@example.com", Self.password),
        ]
        XCTAssertEqual(refusedOnBoth, [429, 429], "locked on both instances, even with the right password")

        for attempt in 0..<(onOne - 1) {
            let status = try await login(first.client, "cleared@example.com", "wrong guess \(attempt)")
            XCTAssertEqual(status, 400)
        }
        let success = try await login(second.client, "cleared@example.com", Self.password)
        XCTAssertEqual(success, 200, "below the limit the right password works on the other instance")
        let afterSuccess = try await failuresBeforeThrottle("cleared@example.com", on: [first, second])
        XCTAssertEqual(afterSuccess, onOne, "the success on one instance cleared the count for both")

        await second.stop()
        await first.stop()
    }
}
