/// A scope was granted to the employee.
public struct ScopeGranted: Sendable, Hashable {
    public var scope: String
    public init(scope: String) { self.scope = scope }
}
