import Foundation
import Postgres

/// Replays the whole log into the projections and swaps the result in atomically.
///
/// Everything happens in one transaction that holds the log's head row in share mode: appends wait (they are not
/// refused) while the log is read and folded in memory; readers keep seeing the old rows until the short final step
/// empties the tables and writes the rebuilt rows, and then see the new rows at commit. Never a half-built table.
public struct ProjectionRebuild: Sendable {
    private let pool: PostgresPool
    private let projections: [any InlineProjection]
    private let pageSize: Int

    public init(pool: PostgresPool, projections: [any InlineProjection], pageSize: Int = 10_000) {
        self.pool = pool
        self.projections = projections
        self.pageSize = pageSize
    }

    /// Returns how many events were replayed.
    @discardableResult
    public func run() async throws -> Int64 {
        let projections = projections
        let pageSize = pageSize
        return try await pool.withTransaction { connection in
            let headRows = try connection.query("SELECT position FROM event_log_head FOR SHARE")
            let head = try headRows.first?.decode(Int64.self, column: 0) ?? 0
            let rebuilders = try PipelinedReplay.replay(
                into: projections.map { $0.makeRebuilder() }, upTo: head, pageSize: pageSize, on: connection)
            for (projection, rebuilder) in zip(projections, rebuilders) {
                try projection.reset(on: connection)
                try rebuilder.finish(on: connection)
                try connection.execute(
                    """
                    INSERT INTO projection_checkpoints (projection, position) VALUES (\(projection.name), \(head))
                    ON CONFLICT (projection) DO UPDATE SET position = excluded.position
                    """)
            }
            return head
        }
    }
}
