import Foundation
import Postgres
import Security

/// The login throttle of all instances together: the counters per account and per (account, address) live in
/// PostgreSQL (`LoginFailureStore`), so N instances behind a load balancer give an attacker no more guesses than one,
/// and a success on any instance clears them for all. The limits and the delay formula are `LoginThrottlePolicy`'s.
///
/// Cost per attempt: one indexed read before the password is checked, one statement to count the failure, one to
/// clear on success (see docs/SCALING.md for the measured figure), against tens of milliseconds of Argon2id.
public struct SharedLoginThrottle: Sendable {
    public let policy: LoginThrottlePolicy
    private let store: LoginFailureStore
    private let now: @Sendable () -> Date

    public init(
        pool: PostgresPool, policy: LoginThrottlePolicy = LoginThrottlePolicy(), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.policy = policy
        store = LoginFailureStore(pool: pool)
        self.now = now
    }

    private var forgetAfter: Double { policy.forgetAfterSeconds }

    private static func keys(username: String, address: String) -> (account: String, address: String) {
        let account = LoginThrottleKey.normalize(username)
        return ("account:" + account, "address:" + address + " " + account)
    }

    /// Whether `username` may try a password from `address` now, across every instance.
    public func check(username: String, address: String) async throws -> LoginThrottleDecision {
        let keys = Self.keys(username: username, address: address)
        let counts = try await store.counts([keys.account, keys.address], forgetAfter: forgetAfter)
        let time = now().timeIntervalSince1970
        func wait(_ key: String, free: Int) -> Double {
            guard let count = counts[key] else { return 0 }
            return policy.remainingWait(
                failures: count.failures, lastFailure: count.lastFailure.timeIntervalSince1970, free: free, at: time)
        }
        let remaining = max(
            wait(keys.account, free: policy.freeFailuresPerAccount), wait(keys.address, free: policy.freeFailuresPerAddress))
        guard remaining > 0 else { return .allowed }
        return .refused(retryAfterSeconds: max(1, Int(remaining.rounded(.up))))
    }

    /// Records a wrong password (or unknown user) for `username` from `address`, here and for every instance.
    public func recordFailure(username: String, address: String) async throws {
        let keys = Self.keys(username: username, address: address)
        try await store.recordFailure([keys.account, keys.address], forgetAfter: forgetAfter)
    }

    /// Records a successful login: both counters start again from zero everywhere.
    public func recordSuccess(username: String, address: String) async throws {
        let keys = Self.keys(username: username, address: address)
        try await store.clear([keys.account, keys.address])
    }
}
