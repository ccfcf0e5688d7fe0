import Foundation
import Postgres

/// Appends each request in a transaction of its own, with the same statements as the batching appender.
///
/// The reference `bench/appender` measures `BatchingAppender` against: every append pays its own commit (one WAL
/// flush) while holding the head row. Correct, but only for tools and measurements; the service uses the batching
/// appender. `package`, not `public`: only the benchmark and the tests of this package may reach it.
package struct UnbatchedAppender: Sendable {
    private let pool: PostgresPool
    private let projections: [any InlineProjection]

    package init(pool: PostgresPool, projections: [any InlineProjection]) {
        self.pool = pool
        self.projections = projections
    }

    package func append(_ request: AppendRequest) async throws(AppendError) -> AppendResult {
        guard !request.events.isEmpty else { throw .invalidRequest("an append needs at least one event") }
        let writer = BatchWriter(projections: projections, recordedAt: Date())
        let outcomes: [Result<AppendResult, AppendError>]
        do {
            outcomes = try await writer.write([request], using: pool)
        } catch {
            throw .unavailable(error as? PostgresError)
        }
        return try outcomes[0].get()
    }
}
