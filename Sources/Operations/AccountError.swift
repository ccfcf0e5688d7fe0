import Security

/// Why an account command was refused before reaching the domain. Mapped in `ErrorMapping`.
package enum AccountError: Error, Sendable {
    /// A scope name in the path that the service does not know.
    case unknownScope
    /// Granting or revoking scopes the caller does not hold itself (no escalation through `scope:grant`).
    case beyondOwnScopes(missing: ScopeSet)
    case wrongCurrentPassword
    /// Too many wrong current passwords for this account from this address (the login throttle's rule).
    case tooManyAttempts(retryAfterSeconds: Int)
}
