import Foundation
import Postgres

/// Appends many requests that each create a NEW stream (`expectedVersion: .noStream`), for imports.
///
/// The batching appender pays a savepoint and a few statements per request; at hundreds of thousands of rows that
/// dominates. Here a chunk of requests is one transaction with a fixed number of statements: lock the head, claim
/// every stream with one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING`, link the events into the chain
/// exactly as the batching appender does, let each projection apply the chunk in bulk, insert the events with one
/// statement, move the head and checkpoints, notify, commit. Streams that already exist are reported as conflicts and
/// skipped. When a projection refuses something in the chunk (a duplicate email) or a unique key is hit, the chunk is
/// rolled back and redone one request per savepoint, so exactly the offending requests are reported.
///
/// Positions stay dense and the chain single: every chunk holds the head row from its first statement to its commit,
/// like every other appending transaction, so bulk and online appends interleave chunk by chunk.
public struct BulkAppender: Sendable {
    private let pool: PostgresPool
    private let projections: [any InlineProjection]
    private let chunkSize: Int
    private let clock: @Sendable () -> Date

    public init(
        pool: PostgresPool, projections: [any InlineProjection], chunkSize: Int = 5_000,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        precondition(chunkSize > 0, "a chunk holds at least one request")
        self.pool = pool
        self.projections = projections
        self.chunkSize = chunkSize
        self.clock = clock
    }

    /// Appends `requests` in chunks, each committed on its own. Returns what was appended and, by index into
    /// `requests`, why the others were not. If a chunk's transaction fails, the chunks before it stay committed and
    /// the error says how far the append got. The next chunk is prepared while the current one commits: checked, its
    /// JSON made canonical, and linked into the chain after the current chunk's last event (kept if no other writer
    /// appended in between, redone inside the transaction otherwise).
    public func append(_ requests: [AppendRequest]) async throws(BulkAppendFailure) -> BulkAppendReport {
        let starts = Array(stride(from: 0, to: requests.count, by: chunkSize))
        func chunk(_ number: Int) -> [AppendRequest] {
            Array(requests[starts[number]..<min(starts[number] + chunkSize, requests.count)])
        }
        var report = BulkAppendReport()
        guard !starts.isEmpty else { return report }
        let currentHead: ChainHead
        do {
            currentHead = try await EventReader(pool: pool).head()
        } catch {
            throw BulkAppendFailure(committed: report, error: .unavailable(error as? PostgresError))
        }
        let clock = clock
        let projections = projections
        var prepared = BulkChunkWriter.prepare(chunk(0), after: currentHead, recordedAt: clock(), projections: projections)
        for number in starts.indices {
            let assumedHead = prepared.speculation.head
            async let following =
                number + 1 < starts.count
                ? BulkChunkWriter.prepare(chunk(number + 1), after: assumedHead, recordedAt: clock(), projections: projections)
                : nil
            do {
                report.merge(try await appendChunk(prepared), offset: starts[number])
            } catch {
                throw BulkAppendFailure(committed: report, error: .unavailable(error as? PostgresError))
            }
            guard let next = await following else { break }
            prepared = next
        }
        return report
    }

    private func appendChunk(_ prepared: PreparedChunk) async throws -> ChunkOutcome {
        let writer = BulkChunkWriter(projections: projections, recordedAt: clock())
        do {
            return try await pool.withTransaction { connection in try writer.write(prepared, on: connection) }
        } catch is BulkChunkWriter.NeedsOneByOne {
            let batchWriter = BatchWriter(projections: projections, recordedAt: clock())
            let requests = prepared.candidates.map { prepared.requests[$0] }
            let results = try await batchWriter.write(requests, using: pool)
            var outcome = ChunkOutcome(failures: prepared.refused)
            for (index, result) in zip(prepared.candidates, results) {
                switch result {
                case .success(let appended):
                    outcome.appendedRequests += 1
                    outcome.appendedEvents += appended.events.count
                    if let last = appended.events.last { outcome.head = ChainHead(position: last.position, hash: last.hash) }
                case .failure(let error):
                    outcome.failures[index] = error
                }
            }
            return outcome
        }
    }
}
