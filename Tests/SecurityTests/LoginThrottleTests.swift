import Security
import XCTest

final class LoginThrottleTests: XCTestCase {
    let clock = TestClock()
    lazy var throttle = LoginThrottle(now: clock.function)

    func testSixthRapidFailureIsRefusedThenAllowedAfterBackOff() {
        for attempt in 1...5 {
            XCTAssertEqual(throttle.check(username: "alice", address: "10.0.0.1"), .allowed, "attempt \(attempt)")
            throttle.recordFailure(username: "alice", address: "10.0.0.1")
            clock.advance(seconds: 0.1)
        }
        XCTAssertEqual(throttle.check(username: "alice", address: "10.0.0.1"), .refused(retryAfterSeconds: 1))
        XCTAssertEqual(throttle.check(username: "ALICE", address: "10.0.0.1"), .refused(retryAfterSeconds: 1))
        XCTAssertEqual(throttle.check(username: "alice", address: "10.0.0.2"), .allowed, "other address")
        XCTAssertEqual(throttle.check(username: "bob", address: "10.0.0.1"), .allowed, "other account")
        clock.advance(seconds: 1)
        XCTAssertEqual(throttle.check(username: "alice", address: "10.0.0.1"), .allowed)
    }

    func testDelayDoublesAndIsCapped() {
        for _ in 1...7 { throttle.recordFailure(username: "alice", address: "a") }
        XCTAssertEqual(throttle.check(username: "alice", address: "a"), .refused(retryAfterSeconds: 4))
        for _ in 1...20 { throttle.recordFailure(username: "alice", address: "a") }
        XCTAssertEqual(throttle.check(username: "alice", address: "a"), .refused(retryAfterSeconds: 900))
    }

    func testSuccessResets() {
        for _ in 1...5 { throttle.recordFailure(username: "alice", address: "a") }
        throttle.recordSuccess(username: "alice", address: "a")
        XCTAssertEqual(throttle.check(username: "alice", address: "a"), .allowed)
        throttle.recordFailure(username: "alice", address: "a")
        XCTAssertEqual(throttle.check(username: "alice", address: "a"), .allowed)
    }

    func testPerAccountCapAcrossAddresses() {
        for index in 0..<20 { throttle.recordFailure(username: "alice", address: "10.0.0.\(index)") }
        XCTAssertEqual(throttle.check(username: "alice", address: "10.9.9.9"), .refused(retryAfterSeconds: 1))
        XCTAssertEqual(throttle.check(username: "bob", address: "10.9.9.9"), .allowed)
    }

    func testFailuresAreForgottenAfterQuietPeriod() {
        for _ in 1...5 { throttle.recordFailure(username: "alice", address: "a") }
        clock.advance(seconds: 15 * 60 + 1)
        XCTAssertEqual(throttle.check(username: "alice", address: "a"), .allowed)
        throttle.recordFailure(username: "alice", address: "a")
        XCTAssertEqual(throttle.check(username: "alice", address: "a"), .allowed, "counting starts again")
    }

    func testMemoryIsBounded() {
        let small = LoginThrottle(policy: LoginThrottlePolicy(capacity: 100), now: clock.function)
        for index in 0..<1000 {
            small.recordFailure(username: "user\(index)", address: "a")
            clock.advance(seconds: 0.01)
        }
        XCTAssertLessThanOrEqual(small.trackedEntryCount, 200)
        for _ in 1...5 { small.recordFailure(username: "user999", address: "a") }
        XCTAssertNotEqual(small.check(username: "user999", address: "a"), .allowed, "recent entries survive eviction")
    }
}
