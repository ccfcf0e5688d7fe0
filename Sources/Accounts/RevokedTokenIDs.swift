import Foundation
import Postgres
import Synchronization

/// Access-token ids revoked before their expiry (logout, RFC 7009), checked on every request without a query.
///
/// Every instance writes its revocations to `revoked_access_tokens` and reads back the table's live rows every
/// `refreshInterval`, so a token revoked on one instance is refused by every instance within about a second (on the
/// revoking one at once). Revocations are never undone, so merging what was read into what is known is always right;
/// an id is forgotten once its token has expired anyway.
public final class RevokedTokenIDs: Sendable {
    public static let refreshInterval: Duration = .seconds(1)

    /// Token id → the token's expiry.
    private let ids = Mutex<[String: Date]>([:])
    private let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func contains(_ id: String) -> Bool { ids.withLock { $0[id] != nil } }

    /// Refuses `id` here from now on (its revocation is already stored).
    public func insert(_ id: String, expiresAt: Date) { ids.withLock { $0[id] = expiresAt } }

    /// Revokes the access token `id` of employee `empNo`: stored for every instance, refused here at once. False
    /// when it was revoked already.
    public func revoke(_ id: String, empNo: Int64, expiresAt: Date) async throws -> Bool {
        let now = Date()
        let inserted = try await pool.withConnection { connection in
            try connection.execute(
                """
                INSERT INTO revoked_access_tokens (jti, emp_no, revoked_at, expires_at)
                VALUES (\(id), \(empNo), \(now), \(expiresAt))
                ON CONFLICT (jti) DO NOTHING
                """)
        }
        insert(id, expiresAt: expiresAt)
        return inserted > 0
    }

    /// Merges the still-relevant revocations of every instance and forgets the expired ones.
    public func refresh(now: Date = Date()) async throws {
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
    public func follow() -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.refreshInterval)
                try? await refresh()
            }
        }
    }
}
