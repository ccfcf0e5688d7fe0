/// The employee may sign in again.
public struct EmployeeEnabled: Sendable, Hashable {
    public init() {}
}
