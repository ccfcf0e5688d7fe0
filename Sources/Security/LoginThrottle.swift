import Foundation
import Synchronization

/// Limits for `LoginThrottle`. Defaults: five free failures per (username, address), then an exponential delay
/// from 1 s doubling per further failure up to 15 min; twenty free failures per account across all addresses with
/// the same growth; failures forgotten after 15 quiet minutes; at most 100 000 tracked keys of each kind.
public struct LoginThrottlePolicy: Sendable {
    public var freeFailuresPerAddress: Int
    public var freeFailuresPerAccount: Int
    public var baseDelay: Duration
    public var maximumDelay: Duration
    public var forgetAfter: Duration
    public var capacity: Int

    public init(
        freeFailuresPerAddress: Int = 5, freeFailuresPerAccount: Int = 20, baseDelay: Duration = .seconds(1),
        maximumDelay: Duration = .seconds(15 * 60), forgetAfter: Duration = .seconds(15 * 60), capacity: Int = 100_000
    ) {
        self.freeFailuresPerAddress = freeFailuresPerAddress
        self.freeFailuresPerAccount = freeFailuresPerAccount
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.forgetAfter = forgetAfter
        self.capacity = max(1, capacity)
    }
}

extension LoginThrottlePolicy {
    /// Seconds still to wait after `failures` failures, the last at `lastFailure` (seconds since 1970), when `free`
    /// failures cost nothing; zero or less means go ahead. One formula for this process's counters and for the
    /// counters the instances share in the database.
    public func remainingWait(failures: Int, lastFailure: Double, free: Int, at time: Double) -> Double {
        guard time - lastFailure <= Self.seconds(forgetAfter), failures >= free else { return 0 }
        let exponent = min(failures - free, 40)
        let delay = min(Self.seconds(baseDelay) * Double(1 << exponent), Self.seconds(maximumDelay))
        return lastFailure + delay - time
    }

    /// `forgetAfter` in seconds.
    public var forgetAfterSeconds: Double { Self.seconds(forgetAfter) }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Whether a login attempt may go ahead.
public enum LoginThrottleDecision: Equatable, Sendable {
    case allowed
    /// Refuse without checking the password; `retryAfterSeconds` is for the `Retry-After` header.
    case refused(retryAfterSeconds: Int)
}

/// Slows password guessing: per (username, client address) and per account across addresses, failures beyond a
/// free allowance impose an exponentially growing wait. A success clears both counters. Memory is bounded: stale
/// entries are dropped, and when full the entries with the oldest failures are evicted first.
///
/// In memory, for one process: the service counts in PostgreSQL instead (`SharedLoginThrottle` in App, with the
/// same policy and formula), so that its instances count together.
///
/// The per-account cap is what stops guessing spread over many addresses; its allowance is higher so that an
/// attacker cannot lock a user out as cheaply, and its delay is capped, never a permanent lock.
public final class LoginThrottle: Sendable {
    private struct Counter {
        var failures: Int
        var lastFailure: Double
    }

    private struct AddressKey: Hashable {
        let username: String
        let address: String
    }

    private struct State {
        var byAddress: [AddressKey: Counter] = [:]
        var byAccount: [String: Counter] = [:]
    }

    private let policy: LoginThrottlePolicy
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    public init(policy: LoginThrottlePolicy = LoginThrottlePolicy(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.policy = policy
        self.now = now
    }

    /// Whether `username` may try a password from `address` now.
    public func check(username: String, address: String) -> LoginThrottleDecision {
        let time = now().timeIntervalSince1970
        let account = Self.normalize(username)
        let wait = state.withLock { state -> Double in
            let addressWait = remainingWait(
                state.byAddress[AddressKey(username: account, address: address)], free: policy.freeFailuresPerAddress,
                at: time)
            let accountWait = remainingWait(state.byAccount[account], free: policy.freeFailuresPerAccount, at: time)
            return max(addressWait, accountWait)
        }
        guard wait > 0 else { return .allowed }
        return .refused(retryAfterSeconds: max(1, Int(wait.rounded(.up))))
    }

    /// Records a wrong password (or unknown user) for `username` from `address`.
    public func recordFailure(username: String, address: String) {
        let time = now().timeIntervalSince1970
        let account = Self.normalize(username)
        let forget = Self.seconds(policy.forgetAfter)
        state.withLock { state in
            let key = AddressKey(username: account, address: address)
            if state.byAddress[key] == nil {
                Self.makeRoom(in: &state.byAddress, capacity: policy.capacity, forget: forget, at: time)
            }
            if state.byAccount[account] == nil {
                Self.makeRoom(in: &state.byAccount, capacity: policy.capacity, forget: forget, at: time)
            }
            state.byAddress[key] = Self.incremented(state.byAddress[key], at: time, forget: forget)
            state.byAccount[account] = Self.incremented(state.byAccount[account], at: time, forget: forget)
        }
    }

    /// Records a successful login: both counters for this account and address start again from zero.
    public func recordSuccess(username: String, address: String) {
        let account = Self.normalize(username)
        state.withLock { state in
            state.byAddress[AddressKey(username: account, address: address)] = nil
            state.byAccount[account] = nil
        }
    }

    /// How many keys are tracked (address pairs plus accounts), for metrics and tests of the memory bound.
    public var trackedEntryCount: Int {
        state.withLock { $0.byAddress.count + $0.byAccount.count }
    }

    private func remainingWait(_ counter: Counter?, free: Int, at time: Double) -> Double {
        guard let counter else { return 0 }
        return policy.remainingWait(failures: counter.failures, lastFailure: counter.lastFailure, free: free, at: time)
    }

    private static func incremented(_ counter: Counter?, at time: Double, forget: Double) -> Counter {
        guard let counter, time - counter.lastFailure <= forget else { return Counter(failures: 1, lastFailure: time) }
        return Counter(failures: counter.failures + 1, lastFailure: time)
    }

    /// Ensures one more key fits: drops stale entries, then, if still full, the oldest tenth.
    private static func makeRoom<Key: Hashable>(
        in counters: inout [Key: Counter], capacity: Int, forget: Double, at time: Double
    ) {
        guard counters.count >= capacity else { return }
        counters = counters.filter { time - $0.value.lastFailure <= forget }
        guard counters.count >= capacity else { return }
        let evictCount = max(1, capacity / 10)
        let oldest = counters.sorted { $0.value.lastFailure < $1.value.lastFailure }.prefix(evictCount)
        for (key, _) in oldest { counters[key] = nil }
    }

    /// The form of a username the counters key on.
    public static func normalize(_ username: String) -> String {
        username.lowercased()
    }

    private static func seconds(_ duration: Duration) -> Double {
        LoginThrottlePolicy.seconds(duration)
    }
}
