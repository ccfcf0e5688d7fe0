/// Whether a login attempt may go ahead.
public enum LoginThrottleDecision: Equatable, Sendable {
    case allowed
    /// Refuse without checking the password; `retryAfterSeconds` is for the `Retry-After` header.
    case refused(retryAfterSeconds: Int)
}
