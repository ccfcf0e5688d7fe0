/// A new password hash was stored. The event holds neither the hash nor the password: the log is read by auditors
/// and reporting, and a secret in it could never be erased.
public struct PasswordChanged: Sendable, Hashable {
    public init() {}
}
