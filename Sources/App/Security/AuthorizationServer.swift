import Foundation
import Postgres
import Security

/// Where a token request came from: what the throttle keys on and the security log records.
struct TokenRequestOrigin: Sendable {
    let address: String
    let requestID: String
}

/// What a successful grant hands to the client: a signed access token and a fresh opaque refresh token.
struct TokenGrant: Sendable {
    let access: IssuedAccessToken
    /// The refresh token's text; only its SHA-256 is stored.
    let refreshToken: String
}

/// The service as its own OAuth2 authorization server: the resource-owner password grant (RFC 6749 §4.3), the
/// refresh-token grant with single-use rotation and reuse detection (RFC 9700 §4.14), and revocation (RFC 7009).
/// Handlers parse the forms; this type decides, stores and logs. Passwords and tokens never reach a log.
struct AuthorizationServer: Sendable {
    static let defaultClientID = "employees-web"
    /// How long a refresh token (and so a login session, through rotation) can go unused.
    static let refreshTokenLifetime: TimeInterval = 14 * 24 * 3600
    /// Longer usernames cannot be an email of ours; they are refused without a query (after the same dummy work).
    static let maximumUsernameBytes = 255

    let pool: PostgresPool
    let passwords: PasswordService
    let issuer: AccessTokenIssuer
    let verifier: AccessTokenVerifier
    let throttle: LoginThrottle
    let securityLog: SecurityLog
    let revokedTokens: RevokedTokenIDs

    /// One employee as the password grant needs it, read in one query.
    private struct Account: Sendable {
        let empNo: Int64
        let isDisabled: Bool
        let passwordHash: String?
        let scopes: ScopeSet
    }

    // MARK: Password grant

    /// Checks `password` for the employee whose email is `username` (case-insensitive) and issues tokens carrying
    /// `requested ∩ current scopes` (all current scopes when nothing was requested).
    ///
    /// An unknown user, a wrong password, a disabled employee and an employee without a password all get
    /// `OAuthError.badCredentials` after the same work: at least one Argon2id computation at current parameters.
    func passwordGrant(
        username: String, password: String, requested: ScopeSet?, clientID: String, origin: TokenRequestOrigin
    ) async throws -> TokenGrant {
        if case .refused(let seconds) = throttle.check(username: username, address: origin.address) {
            log("login_throttled", empNo: nil, username: username, reason: "too_many_failures", origin)
            throw OAuthError(.slowDown, "Too many failed login attempts; retry later", retryAfterSeconds: seconds)
        }
        // Counted before the password is checked, so parallel guesses cannot outrun the throttle; a success clears it.
        throttle.recordFailure(username: username, address: origin.address)

        let account = try await lookUp(username)
        guard let account, let hash = account.passwordHash else {
            await passwords.dummyVerify(password)
            log("login_failed", empNo: account?.empNo, username: username, reason: account == nil ? "unknown_user" : "no_password", origin)
            throw OAuthError.badCredentials
        }
        let matches = await passwords.verify(password, against: hash)
        let outdated = passwords.hasher.needsRehash(hash)
        guard matches, !account.isDisabled else {
            // A legacy hash may be much cheaper than a current one: top the time up to an unknown user's.
            if outdated { await passwords.dummyVerify(password) }
            log("login_failed", empNo: account.empNo, username: username, reason: matches ? "disabled" : "bad_password", origin)
            throw OAuthError.badCredentials
        }
        throttle.recordSuccess(username: username, address: origin.address)
        // Best effort: if storing the new hash fails, the old one still verifies and the next login tries again.
        if outdated { try? await rehash(account.empNo, from: hash, password: password) }

        let granted = requested.map { $0.intersection(account.scopes.closure) } ?? account.scopes
        // RFC 6749 §5.2: a request none of whose scopes can be granted is refused, not answered with a useless token.
        if let requested, !requested.isEmpty, granted.isEmpty {
            log("login_failed", empNo: account.empNo, username: username, reason: "invalid_scope", origin)
            throw OAuthError(.invalidScope, "None of the requested scopes is held by this account")
        }
        let access = try issuer.issue(empNo: account.empNo, clientID: clientID, scopes: granted)
        let refresh = RefreshToken.generate()
        let issuedAt = Date()
        try await pool.withConnection { connection in
            try connection.execute(
                """
                INSERT INTO refresh_tokens (token_hash, family_id, emp_no, client_id, scope, issued_at, expires_at,
                                            access_token_id, access_expires_at)
                VALUES (\(refresh.storageHash), \(UUID()), \(account.empNo), \(clientID), \(granted.spaceDelimited),
                        \(issuedAt), \(issuedAt.addingTimeInterval(Self.refreshTokenLifetime)),
                        \(access.tokenID), \(access.expiresAt))
                """)
        }
        log("login_succeeded", empNo: account.empNo, username: username, reason: "password", origin)
        return TokenGrant(access: access, refreshToken: refresh.token)
    }

    private func lookUp(_ username: String) async throws -> Account? {
        guard username.utf8.count <= Self.maximumUsernameBytes else { return nil }
        return try await pool.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT e.emp_no, e.disabled, c.password_hash,
                       ARRAY(SELECT s.scope FROM employee_scopes s WHERE s.emp_no = e.emp_no)
                FROM employees e LEFT JOIN credentials c ON c.emp_no = e.emp_no
                WHERE lower(e.email) = lower(\(username))
                """)
            guard let row = rows.first else { return nil }
            let scopeNames = try row.decode([String].self, column: 3)
            return Account(
                empNo: try row.decode(Int64.self, column: 0), isDisabled: try row.decode(Bool.self, column: 1),
                passwordHash: try row.decode(String?.self, column: 2), scopes: ScopeSet(scopeNames.compactMap(Scope.init(rawValue:))))
        }
    }

    /// Replaces a hash made with older parameters or another scheme by one at current parameters. The
    /// `credentials` row is a side table, not a projection: a new hash of the same password is no event (nothing
    /// about the employee changed), and `changed_at` stays, because it marks the last password change that
    /// revoked tokens. The condition on the old hash leaves a concurrent password change alone.
    private func rehash(_ empNo: Int64, from oldHash: String, password: String) async throws {
        let newHash = try await passwords.hash(password)
        try await pool.withConnection { connection in
            try connection.execute(
                "UPDATE credentials SET password_hash = \(newHash) WHERE emp_no = \(empNo) AND password_hash = \(oldHash)")
        }
    }

    // MARK: Refresh-token grant

    private enum RefreshOutcome: Sendable {
        case rotated(TokenGrant, empNo: Int64)
        /// A spent token came back: its whole family was revoked, with the access tokens it issued (id, expiry).
        case reused(empNo: Int64, revokedAccessTokens: [(String, Date)])
        case refused(reason: String, empNo: Int64?)
        case scopeTooBroad(empNo: Int64)
    }

    /// Spends `presented` and issues a new access token and the next refresh token of the same family. The new
    /// access token's scopes are the family's grant (or the narrower `requested`) intersected with the employee's
    /// scopes now. A spent token presented again revokes the family: either the client or a thief holds a copy,
    /// and the server cannot tell which.
    func refreshGrant(presented: String, requested: ScopeSet?, clientID: String?, origin: TokenRequestOrigin) async throws -> TokenGrant {
        guard let hash = RefreshToken.storageHash(of: presented) else {
            log("refresh_failed", empNo: nil, username: nil, reason: "malformed", origin)
            throw Self.invalidRefreshToken
        }
        let issuer = issuer
        let outcome = try await pool.withTransaction { connection -> RefreshOutcome in
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
            let access = try issuer.issue(empNo: empNo, clientID: familyClient, scopes: granted)
            try connection.execute("UPDATE refresh_tokens SET used_at = \(now) WHERE token_hash = \(hash)")
            try connection.execute(
                """
                INSERT INTO refresh_tokens (token_hash, family_id, emp_no, client_id, scope, issued_at, expires_at,
                                            access_token_id, access_expires_at)
                VALUES (\(next.storageHash), \(family), \(empNo), \(familyClient), \(familyScopes.spaceDelimited),
                        \(now), \(now.addingTimeInterval(Self.refreshTokenLifetime)), \(access.tokenID), \(access.expiresAt))
                """)
            return .rotated(TokenGrant(access: access, refreshToken: next.token), empNo: empNo)
        }
        switch outcome {
        case .rotated(let grant, let empNo):
            log("token_refreshed", empNo: empNo, username: nil, reason: "refresh_token", origin)
            return grant
        case .reused(let empNo, let revokedAccessTokens):
            for (tokenID, expiresAt) in revokedAccessTokens { revokedTokens.insert(tokenID, expiresAt: expiresAt) }
            log("refresh_reuse", empNo: empNo, username: nil, reason: "family_revoked", origin)
            throw Self.invalidRefreshToken
        case .refused(let reason, let empNo):
            log("refresh_failed", empNo: empNo, username: nil, reason: reason, origin)
            throw Self.invalidRefreshToken
        case .scopeTooBroad(let empNo):
            log("refresh_failed", empNo: empNo, username: nil, reason: "invalid_scope", origin)
            throw OAuthError(.invalidScope, "The requested scope exceeds the scope originally granted")
        }
    }

    private static let invalidRefreshToken = OAuthError(.invalidGrant, "The refresh token is invalid, expired or revoked")

    // MARK: Revocation

    /// Revokes a refresh token (with its whole family) or an access token (by `jti`, effective at once on this
    /// instance). Tokens that are unknown, expired or not ours are ignored: RFC 7009 §2.2 answers 200 regardless.
    /// The type hint is not needed: a refresh token is 43 base64url characters and an access token has two dots.
    func revoke(_ token: String, origin: TokenRequestOrigin) async throws {
        if let hash = RefreshToken.storageHash(of: token) {
            let now = Date()
            let revoked = try await pool.withConnection { connection in
                try connection.query(
                    """
                    UPDATE refresh_tokens SET revoked_at = \(now)
                    WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = \(hash)) AND revoked_at IS NULL
                    RETURNING emp_no
                    """
                ).first?.decode(Int64.self, column: 0)
            }
            if let revoked { log("token_revoked", empNo: revoked, username: nil, reason: "refresh_token", origin) }
            return
        }
        guard let verified = try? verifier.verify(token) else { return }
        let now = Date()
        let inserted = try await pool.withConnection { connection in
            try connection.execute(
                """
                INSERT INTO revoked_access_tokens (jti, emp_no, revoked_at, expires_at)
                VALUES (\(verified.tokenID), \(verified.empNo), \(now), \(verified.expiresAt))
                ON CONFLICT (jti) DO NOTHING
                """)
        }
        revokedTokens.insert(verified.tokenID, expiresAt: verified.expiresAt)
        if inserted > 0 { log("token_revoked", empNo: verified.empNo, username: nil, reason: "access_token", origin) }
    }

    // MARK: Security log

    private func log(_ kind: String, empNo: Int64?, username: String?, reason: String, _ origin: TokenRequestOrigin) {
        securityLog.record(
            SecurityLog.Entry(
                kind: kind, principal: empNo.map { "employee:\($0)" },
                attemptedUsername: username.map { String($0.prefix(Self.maximumUsernameBytes)) }, clientAddress: origin.address,
                reason: reason, requestID: origin.requestID, recordedAt: Date()))
    }
}
