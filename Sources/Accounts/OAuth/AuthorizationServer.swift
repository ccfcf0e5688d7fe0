import Foundation
import Security

/// The service as its own OAuth2 authorization server: the resource-owner password grant (RFC 6749 §4.3), the
/// refresh-token grant with single-use rotation and reuse detection (RFC 9700 §4.14), and revocation (RFC 7009).
/// Handlers parse the forms; this type decides, stores and logs. Passwords and tokens never reach a log.
public struct AuthorizationServer: Sendable {
    public static let defaultClientID = "employees-web"
    /// Longer usernames cannot be an email of ours; they are refused without a query (after the same dummy work).
    static let maximumUsernameBytes = 255

    let credentials: CredentialStore
    let refreshTokens: RefreshTokenStore
    let passwords: PasswordService
    let issuer: AccessTokenIssuer
    let verifier: AccessTokenVerifier
    let throttle: SharedLoginThrottle
    let securityLog: SecurityLog
    let revokedTokens: RevokedTokenIDs

    public init(
        credentials: CredentialStore, refreshTokens: RefreshTokenStore, passwords: PasswordService,
        issuer: AccessTokenIssuer, verifier: AccessTokenVerifier, throttle: SharedLoginThrottle, securityLog: SecurityLog,
        revokedTokens: RevokedTokenIDs
    ) {
        self.credentials = credentials
        self.refreshTokens = refreshTokens
        self.passwords = passwords
        self.issuer = issuer
        self.verifier = verifier
        self.throttle = throttle
        self.securityLog = securityLog
        self.revokedTokens = revokedTokens
    }

    // MARK: Password grant

    /// Checks `password` for the employee whose email is `username` (case-insensitive) and issues tokens carrying
    /// `requested ∩ current scopes` (all current scopes when nothing was requested).
    ///
    /// An unknown user, a wrong password, a disabled employee and an employee without a password all get
    /// `OAuthError.badCredentials` after the same work: at least one Argon2id computation at current parameters.
    public func passwordGrant(
        username: String, password: String, requested: ScopeSet?, clientID: String, origin: TokenRequestOrigin
    ) async throws -> TokenGrant {
        if case .refused(let seconds) = try await throttle.check(username: username, address: origin.address) {
            log("login_throttled", empNo: nil, username: username, reason: "too_many_failures", origin)
            throw OAuthError(.slowDown, "Too many failed login attempts; retry later", retryAfterSeconds: seconds)
        }
        // Counted before the password is checked, so parallel guesses cannot outrun the throttle; a success clears it.
        try await throttle.recordFailure(username: username, address: origin.address)

        let account = try await lookUp(username)
        guard let account, let hash = account.passwordHash else {
            try await passwords.dummyVerify(password)
            log(
                "login_failed", empNo: account?.empNo, username: username,
                reason: account == nil ? "unknown_user" : "no_password", origin)
            throw OAuthError.badCredentials
        }
        let matches = try await passwords.verify(password, against: hash)
        let outdated = passwords.hasher.needsRehash(hash)
        guard matches, !account.isDisabled else {
            // A legacy hash may be much cheaper than a current one: top the time up to an unknown user's.
            if outdated { try await passwords.dummyVerify(password) }
            log("login_failed", empNo: account.empNo, username: username, reason: matches ? "disabled" : "bad_password", origin)
            throw OAuthError.badCredentials
        }
        try await throttle.recordSuccess(username: username, address: origin.address)
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
        try await refreshTokens.startFamily(
            with: refresh, issuing: access, empNo: account.empNo, clientID: clientID, scopes: granted, at: Date())
        log("login_succeeded", empNo: account.empNo, username: username, reason: "password", origin)
        return TokenGrant(access: access, refreshToken: refresh.token)
    }

    private func lookUp(_ username: String) async throws -> LoginAccount? {
        guard username.utf8.count <= Self.maximumUsernameBytes else { return nil }
        return try await credentials.loginAccount(email: username)
    }

    /// Replaces a hash made with older parameters or another scheme by one at current parameters: a new hash of
    /// the same password is no event (nothing about the employee changed).
    private func rehash(_ empNo: Int64, from oldHash: String, password: String) async throws {
        try await credentials.replaceHash(of: empNo, from: oldHash, to: try await passwords.hash(password))
    }

    // MARK: Refresh-token grant

    /// Spends `presented` and issues a new access token and the next refresh token of the same family. The new
    /// access token's scopes are the family's grant (or the narrower `requested`) intersected with the employee's
    /// scopes now. A spent token presented again revokes the family: either the client or a thief holds a copy,
    /// and the server cannot tell which.
    public func refreshGrant(presented: String, requested: ScopeSet?, clientID: String?, origin: TokenRequestOrigin) async throws
        -> TokenGrant
    {
        guard let hash = RefreshToken.storageHash(of: presented) else {
            log("refresh_failed", empNo: nil, username: nil, reason: "malformed", origin)
            throw Self.invalidRefreshToken
        }
        let issuer = issuer
        let outcome = try await refreshTokens.rotate(hash: hash, clientID: clientID, requested: requested) {
            empNo, clientID, scopes in try issuer.issue(empNo: empNo, clientID: clientID, scopes: scopes)
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
    public func revoke(_ token: String, origin: TokenRequestOrigin) async throws {
        if let hash = RefreshToken.storageHash(of: token) {
            if let revoked = try await refreshTokens.revokeFamily(containing: hash) {
                log("token_revoked", empNo: revoked, username: nil, reason: "refresh_token", origin)
            }
            return
        }
        guard let verified = try? verifier.verify(token) else { return }
        let inserted = try await revokedTokens.revoke(verified.tokenID, empNo: verified.empNo, expiresAt: verified.expiresAt)
        if inserted { log("token_revoked", empNo: verified.empNo, username: nil, reason: "access_token", origin) }
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
