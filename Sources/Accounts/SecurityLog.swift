import Foundation
import Postgres
import Synchronization

/// The append-only security log auditors read: logins, failures, lockouts and authorization denials.
///
/// Recording never blocks a request: entries go to a bounded queue that one writer task drains in batches. Under a
/// flood beyond the bound, entries are dropped and counted (a metric), never the request. No entry ever holds a
/// password or a token.
public final class SecurityLog: Sendable {
    public struct Entry: Sendable, Hashable {
        /// `login_succeeded`, `login_failed`, `login_throttled`, `access_denied`, `token_revoked`, `refresh_reuse`,
        /// `token_refreshed`, `refresh_failed`.
        public let kind: String
        public let principal: String?
        public let attemptedUsername: String?
        public let clientAddress: String?
        /// A reason code such as `insufficient_scope` or `bad_password`.
        public let reason: String
        public let requestID: String?
        public let recordedAt: Date

        public init(
            kind: String, principal: String?, attemptedUsername: String?, clientAddress: String?, reason: String,
            requestID: String?, recordedAt: Date
        ) {
            self.kind = kind
            self.principal = principal
            self.attemptedUsername = attemptedUsername
            self.clientAddress = clientAddress
            self.reason = reason
            self.requestID = requestID
            self.recordedAt = recordedAt
        }
    }

    /// An entry as the table holds it, with its id (the order auditors page by).
    public struct StoredEntry: Sendable, Hashable {
        public let id: Int64
        public let entry: Entry
    }

    private struct Queue {
        var pending: [Entry] = []
        var isWriting = false
        var dropped = 0
    }

    public static let capacity = 10_000
    private let pool: PostgresPool
    private let queue = Mutex(Queue())
    private let idle = Mutex<[CheckedContinuation<Void, Never>]>([])

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Entries dropped because the queue was full.
    public var droppedCount: Int { queue.withLock { $0.dropped } }

    public func record(_ entry: Entry) {
        let startWriter = queue.withLock { queue in
            guard queue.pending.count < Self.capacity else {
                queue.dropped += 1
                return false
            }
            queue.pending.append(entry)
            guard !queue.isWriting else { return false }
            queue.isWriting = true
            return true
        }
        if startWriter { Task { await self.drain() } }
    }

    /// Returns once everything recorded so far is written (tests and shutdown).
    public func flush() async {
        let done = queue.withLock { !$0.isWriting && $0.pending.isEmpty }
        if done { return }
        await withCheckedContinuation { continuation in
            let resumeNow = queue.withLock { queue in
                if !queue.isWriting && queue.pending.isEmpty { return true }
                idle.withLock { $0.append(continuation) }
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func drain() async {
        while true {
            let batch = queue.withLock { queue in
                let batch = queue.pending
                queue.pending.removeAll(keepingCapacity: true)
                if batch.isEmpty { queue.isWriting = false }
                return batch
            }
            if batch.isEmpty {
                let waiters = idle.withLock { waiters in
                    defer { waiters.removeAll() }
                    return waiters
                }
                for waiter in waiters { waiter.resume() }
                return
            }
            do {
                try await pool.withConnection { connection in try Self.insert(batch, on: connection) }
            } catch {
                queue.withLock { $0.dropped += batch.count }
            }
        }
    }

    /// Up to `limit` written entries with an id greater than `id`, in id order; on `readPool` (a standby) if given.
    public func entries(after id: Int64, limit: Int, on readPool: PostgresPool? = nil) async throws -> [StoredEntry] {
        try await (readPool ?? pool).withConnection { connection in
            try connection.query(
                """
                SELECT id, recorded_at, kind, principal, attempted_username, client_address, reason, request_id
                FROM security_log WHERE id > \(id) ORDER BY id LIMIT \(Int64(limit))
                """
            ).map { row in
                StoredEntry(
                    id: try row.decode(Int64.self, column: 0),
                    entry: Entry(
                        kind: try row.decode(String.self, column: 2), principal: try row.decode(String?.self, column: 3),
                        attemptedUsername: try row.decode(String?.self, column: 4),
                        clientAddress: try row.decode(String?.self, column: 5), reason: try row.decode(String.self, column: 6),
                        requestID: try row.decode(String?.self, column: 7), recordedAt: try row.decode(Date.self, column: 1)))
            }
        }
    }

    private static func insert(_ batch: [Entry], on connection: PostgresConnection) throws {
        try connection.execute(
            """
            INSERT INTO security_log (recorded_at, kind, principal, attempted_username, client_address, reason, request_id)
            SELECT * FROM unnest(\(batch.map(\.recordedAt)), \(batch.map(\.kind)), \(batch.map(\.principal)),
                                 \(batch.map(\.attemptedUsername)), \(batch.map(\.clientAddress)), \(batch.map(\.reason)),
                                 \(batch.map(\.requestID)))
            """)
    }
}
