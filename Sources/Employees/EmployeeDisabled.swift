/// The employee may no longer sign in; existing tokens stop working through the principal table.
public struct EmployeeDisabled: Sendable, Hashable {
    public init() {}
}
