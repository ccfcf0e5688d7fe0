import Employees

/// Why a command did not take effect. Mapped to an HTTP status in one place (the API's error mapping).
public enum CommandError: Error, Sendable {
    case invalid(ValidationErrors)
    case notFound
    case alreadyExists
    /// The email is taken by another employee.
    case emailTaken
    /// `If-Match` named a version the employee is no longer at.
    case versionMismatch(current: Int)
    /// Others kept changing the employee while we retried.
    case contention
    /// The command changes who can act as an account holding these scopes, which the caller does not hold
    /// (after implication): a weaker administrator may not take over or lock out a stronger account.
    case targetHoldsMore(missing: [String])
    case unavailable
}
