import Synchronization

/// Coalesces concurrent lookups by key into one query per batch (`WHERE key = ANY($1)`).
///
/// Why: under load, a query per request pays a round trip, two thread hand-offs and an executor start-up in the
/// server for every read; a batch pays them once for all the readers that arrived together. Nothing waits on a timer:
/// the first caller of a batch leads it and asks for a lane and a pooled connection at once, and whoever asks while the
/// leader waits joins its batch. So a lone read is answered as fast as a plain query, and under load batches grow to
/// about the number of concurrent readers divided by the lanes. A caller waits for its batch's answer even if its task
/// is cancelled meanwhile; that wait is bounded by the pool's acquire timeout and one query.
///
/// `fetch` runs on a pooled connection's thread with the batch's distinct keys and returns what it found; a key it
/// leaves out is answered `nil`. An error of `fetch`, or of the pool, fails every caller of that batch.
public final class PostgresBatchedLookup<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public typealias Fetch = @Sendable (PostgresConnection, [Key]) throws -> [Key: Value]

    /// Counts for metrics: `callers / queries` is the mean batch size.
    public struct Statistics: Sendable, Equatable {
        /// Queries run (one per batch).
        public internal(set) var queries = 0
        /// Callers those queries answered, with a value, nil or an error.
        public internal(set) var callers = 0
    }

    private typealias Follower = (key: Key, continuation: CheckedContinuation<Ticket, any Error>)

    private enum Ticket {
        /// The caller opened batch `id` and runs it.
        case lead(id: Int)
        case answer(Value?)
    }

    private struct State {
        var nextBatchID = 0
        /// The batch that callers join: its leader is still waiting for a connection.
        var joinable: Int?
        /// Followers of each batch not yet taken by its leader.
        var followers: [Int: [Follower]] = [:]
        var lanesInUse = 0
        /// Leaders waiting for a lane, first come first served.
        var laneWaiters: [CheckedContinuation<Void, Never>] = []
        var statistics = Statistics()
    }

    private let pool: PostgresPool
    private let maximumBatchSize: Int
    private let lanes: Int
    private let fetch: Fetch
    private let state = Mutex(State())

    /// At most `lanes` batches run at once, so a busy lookup leaves the rest of the pool to other work and its
    /// batches grow instead of spreading thin over every connection.
    public init(pool: PostgresPool, maximumBatchSize: Int = 256, lanes: Int = 2, fetch: @escaping Fetch) {
        precondition(maximumBatchSize > 0, "a batch holds at least one key")
        precondition(lanes > 0, "a lookup needs at least one lane")
        self.pool = pool
        self.maximumBatchSize = maximumBatchSize
        self.lanes = lanes
        self.fetch = fetch
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// The value for `key`, or nil when `fetch` did not find it.
    public func load(_ key: Key) async throws -> Value? {
        let ticket = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Ticket, any Error>) in
            let opened: Int? = state.withLock { state in
                if let id = state.joinable, let count = state.followers[id]?.count, count + 1 < maximumBatchSize {
                    state.followers[id, default: []].append((key, continuation))
                    return nil
                }
                state.nextBatchID += 1
                state.joinable = state.nextBatchID
                state.followers[state.nextBatchID] = []
                return state.nextBatchID
            }
            if let opened { continuation.resume(returning: .lead(id: opened)) }
        }
        switch ticket {
        case .answer(let value):
            return value
        case .lead(let id):
            return try await lead(batch: id, key: key)
        }
    }

    private func lead(batch id: Int, key: Key) async throws -> Value? {
        await takeLane()
        defer { releaseLane() }
        do {
            return try await pool.withConnection { [self] connection in
                let followers = close(batch: id)
                state.withLock { state in
                    state.statistics.queries += 1
                    state.statistics.callers += followers.count + 1
                }
                var keys = [key]
                var seen: Set<Key> = [key]
                for follower in followers where seen.insert(follower.key).inserted { keys.append(follower.key) }
                let found: [Key: Value]
                do {
                    found = try fetch(connection, keys)
                } catch {
                    for follower in followers { follower.continuation.resume(throwing: error) }
                    throw error
                }
                for follower in followers { follower.continuation.resume(returning: .answer(found[follower.key])) }
                return found[key]
            }
        } catch {
            // The pool failed before the batch ran (no connection, shut down): its followers are still waiting.
            for follower in close(batch: id) { follower.continuation.resume(throwing: error) }
            throw error
        }
    }

    private func takeLane() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state in
                guard state.lanesInUse < lanes else {
                    state.laneWaiters.append(continuation)
                    return false
                }
                state.lanesInUse += 1
                return true
            }
            if granted { continuation.resume() }
        }
    }

    /// Hands the lane to the next waiting leader, if any.
    private func releaseLane() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.laneWaiters.isEmpty else {
                state.lanesInUse -= 1
                return nil
            }
            return state.laneWaiters.removeFirst()
        }
        next?.resume()
    }

    /// Stops batch `id` taking followers and hands them over; empty if they were already taken.
    private func close(batch id: Int) -> [Follower] {
        state.withLock { state in
            if state.joinable == id { state.joinable = nil }
            return state.followers.removeValue(forKey: id) ?? []
        }
    }
}
