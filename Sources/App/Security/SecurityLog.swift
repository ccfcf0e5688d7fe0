import Foundation
import HTTP
import Postgres
import Synchronization

/// The append-only security log auditors read: logins, failures, lockouts and authorization denials.
///
/// Recording never blocks a request: entries go to a bounded queue that one writer task drains in batches. Under a
/// flood beyond the bound, entries are dropped and counted (a metric), never the request. No entry ever holds a
/// password or a token.
final class SecurityLog: Sendable {
    struct Entry: Sendable, Hashable {
        /// `login_succeeded`, `login_failed`, `login_throttled`, `access_denied`, `token_revoked`, `refresh_reuse`,
        /// `token_refreshed`, `refresh_failed`.
        let kind: String
        let principal: String?
        let attemptedUsername: String?
        let clientAddress: String?
        /// A reason code such as `insufficient_scope` or `bad_password`.
        let reason: String
        let requestID: String?
        let recordedAt: Date

        static func denied(principal: String, route: String, reason: String, request: HTTPRequest) -> Entry {
            Entry(
                kind: "access_denied", principal: principal, attemptedUsername: nil, clientAddress: request.remoteAddress,
                reason: "\(reason):\(route)", requestID: request.requestID, recordedAt: Date())
        }
    }

    private struct Queue {
        var pending: [Entry] = []
        var isWriting = false
        var dropped = 0
    }

    static let capacity = 10_000
    private let pool: PostgresPool
    private let queue = Mutex(Queue())
    private let idle = Mutex<[CheckedContinuation<Void, Never>]>([])

    init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Entries dropped because the queue was full.
    var droppedCount: Int { queue.withLock { $0.dropped } }

    func record(_ entry: Entry) {
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
    func flush() async {
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

/// Access-token ids revoked before their expiry (logout, RFC 7009), checked on every request without a query.
///
/// Every instance writes its revocations to `revoked_access_tokens` and reads back the table's live rows every
/// `refreshInterval`, so a token revoked on one instance is refused by every instance within about a second (on the
/// revoking one at once). Revocations are never undone, so merging what was read into what is known is always right;
/// an id is forgotten once its token has expired anyway.
final class RevokedTokenIDs: Sendable {
    static let refreshInterval: Duration = .seconds(1)

    /// Token id → the token's expiry.
    private let ids = Mutex<[String: Date]>([:])

    func contains(_ id: String) -> Bool { ids.withLock { $0[id] != nil } }

    func insert(_ id: String, expiresAt: Date) { ids.withLock { $0[id] = expiresAt } }

    /// Merges the still-relevant revocations of every instance and forgets the expired ones.
    func refresh(from pool: PostgresPool, now: Date = Date()) async throws {
        let loaded = try await pool.withConnection { connection in
            try connection.query("SELECT jti, expires_at FROM revoked_access_tokens WHERE expires_at > \(now)").map {
                (try $0.decode(String.self, column: 0), try $0.decode(Date.self, column: 1))
            }
        }
        ids.withLock { ids in
            for (id, expiresAt) in loaded { ids[id] = expiresAt }
            ids = ids.filter { $0.value > now }
        }
    }

    /// Refreshes every `refreshInterval` until the task is cancelled; a failed refresh (database down) is retried at
    /// the next tick while the known ids keep being refused.
    func follow(_ pool: PostgresPool) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.refreshInterval)
                try? await refresh(from: pool)
            }
        }
    }
}
