import Security
import XCTest

/// The throttle's formula, which `SharedLoginThrottle` applies to the counts the instances share in PostgreSQL.
final class LoginThrottlePolicyTests: XCTestCase {
    let policy = LoginThrottlePolicy()
    let start = 1_700_000_000.0

    private func wait(_ failures: Int, free: Int = 5, lastFailure: Double? = nil, at offset: Double = 0) -> Double {
        policy.remainingWait(failures: failures, lastFailure: lastFailure ?? start, free: free, at: start + offset)
    }

    func testFreeFailuresCostNothingThenTheWaitStartsAtOneSecond() {
        for failures in 0..<5 { XCTAssertLessThanOrEqual(wait(failures), 0, "\(failures) failures are free") }
        XCTAssertEqual(wait(5), 1, accuracy: 1e-9)
        XCTAssertEqual(wait(5, at: 0.4), 0.6, accuracy: 1e-6, "the wait runs from the last failure")
        XCTAssertLessThanOrEqual(wait(5, at: 1), 0, "then the next attempt may go ahead")
    }

    func testTheWaitDoublesAndIsCappedAtFifteenMinutes() {
        XCTAssertEqual(wait(6), 2, accuracy: 1e-9)
        XCTAssertEqual(wait(7), 4, accuracy: 1e-9)
        XCTAssertEqual(wait(15), 900, accuracy: 1e-9)
        XCTAssertEqual(wait(200), 900, accuracy: 1e-9, "no overflow, never a permanent lock")
    }

    func testTheAccountAllowanceIsLargerThanAnAddresses() {
        XCTAssertLessThanOrEqual(wait(19, free: policy.freeFailuresPerAccount), 0)
        XCTAssertEqual(wait(20, free: policy.freeFailuresPerAccount), 1, accuracy: 1e-9)
        XCTAssertGreaterThan(policy.freeFailuresPerAccount, policy.freeFailuresPerAddress)
    }

    func testFailuresAreForgottenAfterAQuietPeriod() {
        XCTAssertGreaterThan(wait(15, at: 15 * 60 - 1), 0, "within the quiet period the capped wait is still due")
        XCTAssertEqual(wait(15, at: 15 * 60 + 1), 0, "after it, counting starts again")
        XCTAssertEqual(policy.forgetAfterSeconds, 900)
    }

    func testUsernamesAreKeyedWhateverTheirCase() {
        XCTAssertEqual(LoginThrottleKey.normalize("Alice@Example.COM"), LoginThrottleKey.normalize("alice@example.com"))
    }
}
