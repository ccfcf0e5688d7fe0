import Foundation

/// The rule a new password broke. Never carries the password.
public enum PasswordPolicyViolation: Error, Equatable, Sendable {
    /// Fewer than `minimum` characters (Unicode scalars after NFC normalization).
    case tooShort(minimum: Int)
    /// More than `maximum` characters; refused, never truncated.
    case tooLong(maximum: Int)
    /// On the list of commonly used or breached passwords, or a trivial variant of a common word.
    case commonPassword
    /// One unit repeated, or a run along the alphabet, the digits or a keyboard row.
    case repetitiveOrSequential
    /// Contains the user's name, email local part, or the service's name.
    case containsContextWord
}
