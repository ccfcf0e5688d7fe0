import Security
import Synchronization
import XCTest

final class PasswordWorkLimiterTests: XCTestCase {
    /// Holds work until opened, and records how many pieces ran at once.
    private final class Gate: Sendable {
        private struct State {
            var open = false
            var waiting: [CheckedContinuation<Void, Never>] = []
            var running = 0
            var mostRunning = 0
        }
        private let state = Mutex(State())

        var mostRunning: Int { state.withLock { $0.mostRunning } }

        func pass() async {
            state.withLock { state in
                state.running += 1
                state.mostRunning = max(state.mostRunning, state.running)
            }
            await withCheckedContinuation { continuation in
                let proceed = state.withLock { state in
                    if state.open { return true }
                    state.waiting.append(continuation)
                    return false
                }
                if proceed { continuation.resume() }
            }
            state.withLock { $0.running -= 1 }
        }

        func open() {
            let waiting = state.withLock { state in
                state.open = true
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    private final class Outcomes: Sendable {
        private let results = Mutex<[Result<Int, PasswordWorkLimiter.Overloaded>]>([])

        func append(_ result: Result<Int, PasswordWorkLimiter.Overloaded>) { results.withLock { $0.append(result) } }
        var all: [Result<Int, PasswordWorkLimiter.Overloaded>] { results.withLock { $0 } }
    }

    /// Two cores, work estimated at 50 ms, at most 100 ms of waiting: two run, four wait (the fourth would start
    /// after 4 / 2 × 50 ms = 100 ms), and the other four are refused at once, while the first ones still run.
    func testRunsAtMostConcurrencyQueuesWhatCanStartInTimeAndRefusesTheRestAtOnce() async throws {
        let limiter = PasswordWorkLimiter(concurrency: 2, maximumWait: .milliseconds(100), initialEstimate: .milliseconds(50))
        let gate = Gate()
        let outcomes = Outcomes()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<10 {
                group.addTask {
                    do {
                        let value = try await limiter.run { () async -> Int in
                            await gate.pass()
                            return index
                        }
                        outcomes.append(.success(value))
                    } catch let overloaded as PasswordWorkLimiter.Overloaded {
                        outcomes.append(.failure(overloaded))
                    }
                }
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while limiter.statistics.refused < 4 || limiter.statistics.queued < 4 {
                guard ContinuousClock.now < deadline else { return XCTFail("never saw the queue fill: \(limiter.statistics)") }
                try await Task.sleep(for: .milliseconds(5))
            }
            let whileBusy = limiter.statistics
            XCTAssertEqual(whileBusy.inFlight, 2)
            XCTAssertEqual(whileBusy.queued, 4)
            XCTAssertEqual(whileBusy.refused, 4)
            let refusedSoFar = outcomes.all
            XCTAssertEqual(refusedSoFar.count, 4, "refusals are answered before any work finishes")
            for outcome in refusedSoFar {
                guard case .failure(let overloaded) = outcome else { return XCTFail("\(outcome)") }
                XCTAssertEqual(overloaded.retryAfterSeconds, 1)
            }
            gate.open()
            try await group.waitForAll()
        }
        let all = outcomes.all
        XCTAssertEqual(all.filter { if case .success = $0 { true } else { false } }.count, 6)
        XCTAssertLessThanOrEqual(gate.mostRunning, 2, "never more work at once than cores")
        let after = limiter.statistics
        XCTAssertEqual(after.inFlight, 0)
        XCTAssertEqual(after.queued, 0)
        XCTAssertEqual(after.admitted, 6)
    }

    func testTheEstimateFollowsMeasuredWorkAndErrorsStillFreeTheCore() async throws {
        struct Failure: Error {}
        let limiter = PasswordWorkLimiter(concurrency: 1, maximumWait: .zero, initialEstimate: .milliseconds(50))
        _ = try await limiter.run { 1 }
        XCTAssertLessThan(limiter.statistics.estimatedWorkSeconds, 0.045, "a quick piece of work lowers the estimate")
        do {
            _ = try await limiter.run { () throws -> Int in throw Failure() }
            XCTFail("the work's own error comes through")
        } catch is Failure {}
        XCTAssertEqual(limiter.statistics.inFlight, 0, "a failing piece of work frees its core")
        let value = try await limiter.run { 7 }
        XCTAssertEqual(value, 7)
    }
}
