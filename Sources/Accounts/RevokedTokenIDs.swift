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

    public init() {}

    public func contains(_ id: String) -> Bool { ids.withLock { $0[id] != nil } }

    public func insert(_ id: String, expiresAt: Date) { ids.withLock { $0[id] = expiresAt } }

    /// Merges the still-relevant revocations of every instance and forgets the expired ones.
    public func refresh(from pool: PostgresPool, now: Date = Date()) async throws {
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
    public func follow(_ pool: PostgresPool) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.refreshInterval)
                try? await refresh(from: pool)
            }
        }
    }
}
