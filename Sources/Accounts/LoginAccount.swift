import Security

/// One employee as the password grant needs it: whether it may log in, its hash and its current scopes.
public struct LoginAccount: Sendable {
    public let empNo: Int64
    public let isDisabled: Bool
    public let passwordHash: String?
    public let scopes: ScopeSet
}
