/// A scope was taken away from the employee.
public struct ScopeRevoked: Sendable, Hashable {
    public var scope: String
    public init(scope: String) { self.scope = scope }
}
