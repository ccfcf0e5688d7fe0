import Foundation
import Security
import TestSupport
import XCTest

@testable import App

/// Logins beyond what the cores can verify are refused at once with 503 and `Retry-After`, never left to time out,
/// and the refusals show in `/metrics`.
final class LoginOverloadTests: XCTestCase {
    func testLoginsBeyondTheCoresAreRefusedAtOnceWithRetryAfter() async throws {
        // One check at a time and no waiting: every login arriving while another is checked is refused.
        let harness = try await ServiceHarness.start(
            environment: ["EMPLOYEES_PASSWORD_CHECKS": "1", "EMPLOYEES_PASSWORD_MAX_WAIT_MS": "0"])
        do {
            let password = "quiet harbour lamps at dawn"
            let hash = try PasswordHasher().hash(password)
            let accounts = 12
            for index in 0..<accounts {
                try await harness.makeEmployee(email: "user\(index)@example.com", scopes: [.userRead], passwordHash: hash)
            }
            let client = harness.client
            let start = ContinuousClock.now
            let responses = try await withThrowingTaskGroup(of: HTTPTestResponse.self) { group in
                for index in 0..<accounts {
                    group.addTask {
                        try await client.form(
                            "/auth/token",
                            [("grant_type", "password"), ("username", "user\(index)@example.com"), ("password", password)])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = ContinuousClock.now - start
            let statuses = responses.map(\.status)
            XCTAssertTrue(statuses.allSatisfy { $0 == 200 || $0 == 503 }, "\(statuses)")
            XCTAssertTrue(statuses.contains(200), "the first login is checked: \(statuses)")
            let refused = responses.filter { $0.status == 503 }
            XCTAssertFalse(refused.isEmpty, "twelve logins at once on one core with no waiting: \(statuses)")
            for response in refused {
                XCTAssertEqual(response.header("Retry-After"), "1", response.text)
                XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
                XCTAssertTrue(response.text.contains("Too many password checks at once"), response.text)
            }
            XCTAssertLessThan(elapsed, .seconds(10), "nobody waits into a timeout")

            let metrics = try await client.json("GET", "/metrics")
            XCTAssertTrue(metrics.text.contains("employees_password_checks_refused_total \(refused.count)\n"), metrics.text)
            XCTAssertTrue(metrics.text.contains("employees_password_checks_in_flight 0\n"), metrics.text)

            // Once a core is free, logins are checked again.
            let again = try await client.form(
                "/auth/token", [("grant_type", "password"), ("username", "user0@example.com"), ("password", password)])
            XCTAssertEqual(again.status, 200, again.text)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}
