import Synchronization

/// The primary's WAL insert position, read after a commit, one query for every caller that asked meanwhile.
///
/// Why this suffices as a read-your-writes token: a caller asks only after its transaction's `COMMIT` has returned, so
/// its commit record was inserted into the WAL before the query that answers it started; the insert position
/// (`pg_current_wal_insert_lsn()`) only grows, so the answer is at or past the end of that commit record, whatever
/// `synchronous_commit` says. A standby that has replayed up to the answer has therefore replayed the commit (see
/// `WALPosition.isReached` for the page-boundary case). The answer may be a little past the commit (other
/// transactions' records), which costs a standby at most a few more records of replay, never correctness.
///
/// Why coalesced: under load, a query per command would double the round trips of the write path. A caller joins the
/// next query, never one already running (that one may have started before the caller's commit), so at most one
/// query runs and one group waits, whatever the command rate.
public final class WALInsertPosition: Sendable {
    private typealias Waiter = CheckedContinuation<WALPosition, any Error>

    private struct State {
        var running = false
        var next: [Waiter] = []
    }

    private let pool: PostgresPool
    private let state = Mutex(State())

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// A position at or past the end of every commit that returned before this call.
    public func current() async throws -> WALPosition {
        try await withCheckedThrowingContinuation { (continuation: Waiter) in
            let leads = state.withLock { state in
                state.next.append(continuation)
                if state.running { return false }
                state.running = true
                return true
            }
            if leads { Task { await self.runRounds() } }
        }
    }

    /// Answers the waiting group with one query, then the group that gathered meanwhile, until none is left.
    private func runRounds() async {
        while true {
            let group: [Waiter] = state.withLock { state in
                defer { state.next = [] }
                if state.next.isEmpty { state.running = false }
                return state.next
            }
            if group.isEmpty { return }
            do {
                let position = try await pool.withConnection(Self.read)
                for waiter in group { waiter.resume(returning: position) }
            } catch {
                for waiter in group { waiter.resume(throwing: error) }
            }
        }
    }

    @Sendable private static func read(_ connection: PostgresConnection) throws -> WALPosition {
        let text = try connection.query("SELECT pg_current_wal_insert_lsn()::text").first?.decode(String.self, column: 0)
        guard let text, let position = WALPosition(lsn: text) else {
            throw PostgresError(kind: .decoding, message: "pg_current_wal_insert_lsn() gave no position")
        }
        return position
    }
}
