/// The state of one employee stream: nothing yet, or an employee.
public enum EmployeeState: Sendable, Hashable {
    case absent
    case present(Employee)

    /// Folds a stream's events, oldest first.
    public init(replaying events: some Sequence<EmployeeEvent>) {
        self = events.reduce(.absent, evolve)
    }

    public var employee: Employee? {
        if case .present(let employee) = self { employee } else { nil }
    }
}

/// Applies one event to a state. Total: an event that cannot apply (a creation of an existing employee, a change
/// to an absent one — never produced by `decide`) leaves the state as it was. The integrity of the log is the
/// event store's job (positions, expected versions, hash chain), not the fold's.
public func evolve(_ state: EmployeeState, _ event: EmployeeEvent) -> EmployeeState {
    guard case .present(var employee) = state else {
        if case .created(let created) = event { return .present(Employee(created: created)) }
        return state
    }
    switch event {
    case .created:
        return state
    case .updated(let changes):
        if let change = changes.firstName { employee.firstName = change.new }
        if let change = changes.lastName { employee.lastName = change.new }
        if let change = changes.birthDate { employee.birthDate = change.new }
        if let change = changes.gender { employee.gender = change.new }
        if let change = changes.hireDate { employee.hireDate = change.new }
    case .scopeGranted(let granted):
        employee.scopes.insert(granted.scope)
    case .scopeRevoked(let revoked):
        employee.scopes.remove(revoked.scope)
    case .disabled:
        employee.isDisabled = true
    case .enabled:
        employee.isDisabled = false
    case .passwordChanged:
        employee.hasPassword = true
    }
    return .present(employee)
}
