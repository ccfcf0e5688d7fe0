/// An error of the token or revocation endpoint (RFC 6749 §5.2). It carries the OAuth2 `error` code for clients
/// and a human sentence, which `ErrorMapping` renders as both `error_description` and `detail` (the original
/// system's clients read `detail`). Never holds a password, a token or anything else the client sent.
public struct OAuthError: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case invalidGrant = "invalid_grant"
        case unsupportedGrantType = "unsupported_grant_type"
        case invalidScope = "invalid_scope"
        /// Too many failed logins (RFC 8628's token-endpoint code, registered for any grant): answered with 429
        /// and `Retry-After`.
        case slowDown = "slow_down"
    }

    public let code: Code
    public let description: String
    /// Only for `slowDown`.
    public var retryAfterSeconds: Int?

    public init(_ code: Code, _ description: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.description = description
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// One answer for an unknown user, a wrong password, a disabled employee and a missing password, so that
    /// none of them can be told apart.
    public static let badCredentials = OAuthError(.invalidGrant, "Incorrect username or password")
}
