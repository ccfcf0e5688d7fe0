import Crypto
import Foundation
import Postgres
import Synchronization

/// The one writer of the log in this process.
///
/// Requests that arrive while a batch is committing wait and then go together in the next transaction: one WAL flush
/// for many commands. One request's stale version or rejected projection never fails its neighbours: the batch's
/// versions are claimed with set-based statements and its projections run in one savepoint, and when anything is
/// refused the requests concerned go through a savepoint each. A caller is resumed only after its batch has committed.
public final class BatchingAppender: Sendable {
    private typealias Waiter = CheckedContinuation<Result<AppendResult, AppendError>, Never>

    private struct Queue {
        var pending: [(request: AppendRequest, waiter: Waiter)] = []
        var isDraining = false
    }

    private let pool: PostgresPool
    private let projections: [any InlineProjection]
    private let maximumBatchSize: Int
    private let clock: @Sendable () -> Date
    private let queue = Mutex(Queue())
    private let statistics = Mutex(AppenderStatistics())

    public init(
        pool: PostgresPool, projections: [any InlineProjection], maximumBatchSize: Int = 512,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        precondition(maximumBatchSize > 0, "a batch holds at least one request")
        self.pool = pool
        self.projections = projections
        self.maximumBatchSize = maximumBatchSize
        self.clock = clock
    }

    /// Appends one request's events; returns once they are durably committed.
    public func append(_ request: AppendRequest) async throws(AppendError) -> AppendResult {
        guard !request.events.isEmpty else { throw .invalidRequest("an append needs at least one event") }
        let result = await withCheckedContinuation { (waiter: Waiter) in
            let startDraining = queue.withLock { queue in
                queue.pending.append((request, waiter))
                guard !queue.isDraining else { return false }
                queue.isDraining = true
                return true
            }
            if startDraining { Task { await self.drain() } }
        }
        return try result.get()
    }

    /// Counters for metrics: batches committed, requests and events appended, the size of the last batch.
    public var currentStatistics: AppenderStatistics { statistics.withLock { $0 } }

    private func drain() async {
        while true {
            let batch = queue.withLock { queue in
                let batch = Array(queue.pending.prefix(maximumBatchSize))
                queue.pending.removeFirst(batch.count)
                if batch.isEmpty { queue.isDraining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let requests = batch.map(\.request)
            let outcomes: [Result<AppendResult, AppendError>]
            do {
                let writer = BatchWriter(projections: projections, recordedAt: clock())
                outcomes = try await writer.write(requests, using: pool)
                let appended = outcomes.reduce(0) { total, outcome in total + ((try? outcome.get().events.count) ?? 0) }
                statistics.withLock { $0.record(batchSize: requests.count, events: appended) }
            } catch {
                let failure = AppendError.unavailable(error as? PostgresError)
                outcomes = Array(repeating: .failure(failure), count: batch.count)
            }
            for (entry, outcome) in zip(batch, outcomes) { entry.waiter.resume(returning: outcome) }
        }
    }
}
