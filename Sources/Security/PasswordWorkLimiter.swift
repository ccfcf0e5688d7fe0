import Synchronization

/// Admission control for password hashing and verification.
///
/// One Argon2id verification takes tens of milliseconds of one core and about 19 MiB. Started without a bound, 64
/// concurrent logins all share the cores, every one of them finishes late, and clients time out while the server
/// still burns CPU on answers nobody will read. This runs at most `concurrency` pieces of work at once (the cores),
/// queues a request only while it can still start within `maximumWait` (judged from the measured time of recent
/// work), and refuses the rest at once with `Overloaded`, which the app answers `503` with `Retry-After`.
public final class PasswordWorkLimiter: Sendable {
    /// Refused at admission: the queue already holds more work than `maximumWait` can absorb.
    public struct Overloaded: Error, Sendable, Equatable {
        /// Whole seconds after which the queue, as it stands, will have drained.
        public let retryAfterSeconds: Int
    }

    /// What `/metrics` shows.
    public struct Statistics: Sendable, Equatable {
        public let inFlight: Int
        public let queued: Int
        public let admitted: Int
        public let refused: Int
        /// The running estimate of one piece of work, in seconds.
        public let estimatedWorkSeconds: Double
    }

    private enum Admission: Sendable {
        case run
        case queued
        case refused(retryAfterSeconds: Int)
    }

    private struct State {
        var inFlight = 0
        var waiters: [CheckedContinuation<Admission, Never>] = []
        var admitted = 0
        var refused = 0
        var estimatedWorkNanoseconds: Double
    }

    public let concurrency: Int
    public let maximumWait: Duration
    private let state: Mutex<State>

    /// - Parameters:
    ///   - concurrency: work run at once; the number of cores is right for CPU-bound hashing.
    ///   - maximumWait: the longest a request may wait for a free core before its work starts.
    ///   - initialEstimate: the cost of one piece of work until the first ones have been measured.
    public init(concurrency: Int, maximumWait: Duration, initialEstimate: Duration = .milliseconds(50)) {
        precondition(concurrency > 0, "at least one piece of work must be able to run")
        self.concurrency = concurrency
        self.maximumWait = maximumWait
        state = Mutex(State(estimatedWorkNanoseconds: Self.nanoseconds(initialEstimate)))
    }

    public var statistics: Statistics {
        state.withLock { state in
            Statistics(
                inFlight: state.inFlight, queued: state.waiters.count, admitted: state.admitted, refused: state.refused,
                estimatedWorkSeconds: state.estimatedWorkNanoseconds / 1e9)
        }
    }

    /// Runs `work` once a core is free, or throws `Overloaded` at once when it could not start within `maximumWait`.
    public func run<Value: Sendable>(_ work: @Sendable () async throws -> Value) async throws -> Value {
        let admission = await withCheckedContinuation { (continuation: CheckedContinuation<Admission, Never>) in
            let decided = state.withLock { state -> Admission in
                if state.inFlight < concurrency {
                    state.inFlight += 1
                    state.admitted += 1
                    return .run
                }
                // Waiting work ahead of this one, spread over the cores, each piece taking the estimated time.
                let ahead = Double(state.waiters.count + 1) / Double(concurrency)
                let expectedWait = ahead * state.estimatedWorkNanoseconds
                if expectedWait <= Self.nanoseconds(maximumWait) {
                    state.waiters.append(continuation)
                    state.admitted += 1
                    return .queued
                }
                state.refused += 1
                return .refused(retryAfterSeconds: max(1, Int((expectedWait / 1e9).rounded(.up))))
            }
            if case .queued = decided { return }
            continuation.resume(returning: decided)
        }
        if case .refused(let seconds) = admission { throw Overloaded(retryAfterSeconds: seconds) }
        let start = ContinuousClock.now
        defer { release(measured: ContinuousClock.now - start) }
        return try await work()
    }

    /// Hands the core to the first waiter, or frees it; folds the measured time into the estimate.
    private func release(measured: Duration) {
        let next = state.withLock { state -> CheckedContinuation<Admission, Never>? in
            state.estimatedWorkNanoseconds = 0.8 * state.estimatedWorkNanoseconds + 0.2 * Self.nanoseconds(measured)
            guard !state.waiters.isEmpty else {
                state.inFlight -= 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume(returning: .run)
    }

    private static func nanoseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    }
}
