import Foundation
import Postgres
import Security

/// The `refresh_tokens` table: families of single-use refresh tokens, stored by SHA-256 only. Rotation, reuse
/// detection and revocation happen here, each in one statement or one transaction.
public struct RefreshTokenStore: Sendable {
    /// How long a refresh token (and so a login session, through rotation) can go unused.
    public static let lifetime: TimeInterval = 14 * 24 * 3600

    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Stores the first token of a new family, issued together with `access` (revoked with the family on reuse).
    public func startFamily(
        with token: RefreshToken, issuing access: IssuedAccessToken, empNo: Int64, clientID: String, scopes: ScopeSet,
        at issuedAt: Date
    ) async throws {
        try await pool.withConnection { connection in
            try connection.execute(
                """
                INSERT INTO refresh_tokens (token_hash, family_id, emp_no, client_id, scope, issued_at, expires_at,
                                            access_token_id, access_expires_at)
                VALUES (\(token.storageHash), \(UUID()), \(empNo), \(clientID), \(scopes.spaceDelimited),
                        \(issuedAt), \(issuedAt.addingTimeInterval(Self.lifetime)),
                        \(access.tokenID), \(access.expiresAt))
                """)
        }
    }

    /// Spends the token stored as `hash` and stores the next token of its family, in one transaction. `issue` makes
    /// the access token for (employee, client, scopes) once every check passed. A spent token presented again
    /// revokes its whole family.
    public func rotate(
        hash: [UInt8], clientID: String?, requested: ScopeSet?,
        issue: @escaping @Sendable (_ empNo: Int64, _ clientID: String, _ scopes: ScopeSet) throws -> IssuedAccessToken
    ) async throws -> RefreshRotation {
        try await pool.withTransaction { connection -> RefreshRotation in
            let rows = try connection.query(
                """
                SELECT r.family_id, r.emp_no, r.client_id, r.scope, r.issued_at, r.expires_at,
                       r.used_at IS NOT NULL, r.revoked_at IS NOT NULL, coalesce(e.disabled, true), c.changed_at,
                       ARRAY(SELECT s.scope FROM employee_scopes s WHERE s.emp_no = r.emp_no)
                FROM refresh_tokens r
                LEFT JOIN employees e ON e.emp_no = r.emp_no
                LEFT JOIN credentials c ON c.emp_no = r.emp_no
                WHERE r.token_hash = \(hash)
                FOR UPDATE OF r
                """)
            guard let row = rows.first else { return .refused(reason: "unknown", empNo: nil) }
            let family = try row.decode(UUID.self, column: 0)
            let empNo = try row.decode(Int64.self, column: 1)
            let familyClient = try row.decode(String.self, column: 2)
            let familyScopes = ScopeSet(spaceDelimited: try row.decode(String.self, column: 3)) ?? .empty
            let issuedAt = try row.decode(Date.self, column: 4)
            let now = Date()
            if try row.decode(Bool.self, column: 7) { return .refused(reason: "revoked", empNo: empNo) }
            if try row.decode(Bool.self, column: 6) {
                try connection.execute(
                    "UPDATE refresh_tokens SET revoked_at = \(now) WHERE family_id = \(family) AND revoked_at IS NULL")
                let revoked = try connection.query(
                    """
                    INSERT INTO revoked_access_tokens (jti, emp_no, revoked_at, expires_at)
                    SELECT access_token_id, emp_no, \(now), access_expires_at FROM refresh_tokens
                    WHERE family_id = \(family) AND access_token_id IS NOT NULL AND access_expires_at > \(now)
                    ON CONFLICT (jti) DO NOTHING
                    RETURNING jti, expires_at
                    """
                ).map { row in (try row.decode(String.self, column: 0), try row.decode(Date.self, column: 1)) }
                return .reused(empNo: empNo, revokedAccessTokens: revoked)
            }
            guard try row.decode(Date.self, column: 5) > now else { return .refused(reason: "expired", empNo: empNo) }
            if let clientID, clientID != familyClient { return .refused(reason: "client_mismatch", empNo: empNo) }
            if try row.decode(Bool.self, column: 8) { return .refused(reason: "disabled", empNo: empNo) }
            if let changed = try row.decode(Date?.self, column: 9), changed > issuedAt {
                return .refused(reason: "password_changed", empNo: empNo)
            }
            if let requested, !familyScopes.satisfies(requested) { return .scopeTooBroad(empNo: empNo) }
            let current = ScopeSet(try row.decode([String].self, column: 10).compactMap(Scope.init(rawValue:)))

            let next = RefreshToken.generate()
            let granted = (requested ?? familyScopes).intersection(current.closure)
            let access = try issue(empNo, familyClient, granted)
            try connection.execute("UPDATE refresh_tokens SET used_at = \(now) WHERE token_hash = \(hash)")
            try connection.execute(
                """
                INSERT INTO refresh_tokens (token_hash, family_id, emp_no, client_id, scope, issued_at, expires_at,
                                            access_token_id, access_expires_at)
                VALUES (\(next.storageHash), \(family), \(empNo), \(familyClient), \(familyScopes.spaceDelimited),
                        \(now), \(now.addingTimeInterval(Self.lifetime)), \(access.tokenID), \(access.expiresAt))
                """)
            return .rotated(TokenGrant(access: access, refreshToken: next.token), empNo: empNo)
        }
    }

    /// Revokes the family of the token stored as `hash`; the family's employee, or nil when no live token matched.
    public func revokeFamily(containing hash: [UInt8]) async throws -> Int64? {
        let now = Date()
        return try await pool.withConnection { connection in
            try connection.query(
                """
                UPDATE refresh_tokens SET revoked_at = \(now)
                WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = \(hash)) AND revoked_at IS NULL
                RETURNING emp_no
                """
            ).first?.decode(Int64.self, column: 0)
        }
    }
}
