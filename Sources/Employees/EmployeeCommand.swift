/// What a caller asks of one employee's stream. Field values arrive as text so that `decide` can report every
/// broken rule at once; the stream (and so the employee number) is chosen by the caller, who loads its state.
public enum EmployeeCommand: Sendable, Hashable {
    /// Creates the employee. `withPassword` says a password hash is stored alongside (the hash itself never enters
    /// the domain); it adds a `PasswordChanged` event.
    case create(EmployeeNumber, EmployeeFields, withPassword: Bool)
    /// Changes any subset of the personal fields; email and password are changed elsewhere.
    case update(EmployeeChanges)
    /// Grants a scope by name (the security module validates names).
    case grantScope(String)
    /// Grants several scopes in one decision (a role), so they are appended together or not at all. Names already
    /// held, and repeats within the list, add nothing.
    case grantScopes([String])
    /// Revokes a scope by name.
    case revokeScope(String)
    case disable
    case enable
    /// Records that the password was set; the hash is stored by the caller, outside the event.
    case setPassword
}
