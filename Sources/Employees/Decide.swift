/// Judges a command against the current state and returns the events that record its effect. Returns no events
/// when the command changes nothing (an update to the same values, a scope already held or not held, disabling a
/// disabled employee, enabling an enabled one). `today` anchors the date rules; the domain reads no clock.
public func decide(_ state: EmployeeState, _ command: EmployeeCommand, today: CalendarDate) throws(EmployeeError)
    -> [EmployeeEvent]
{
    switch command {
    case .create(let empNo, let fields, let withPassword):
        guard case .absent = state else { throw .alreadyExists }
        let profile: EmployeeProfile
        do {
            profile = try EmployeeProfile(validating: fields, today: today)
        } catch {
            throw .invalid(error)
        }
        let created = EmployeeEvent.created(EmployeeCreated(empNo: empNo, profile: profile))
        return withPassword ? [created, .passwordChanged(PasswordChanged())] : [created]
    case .update(let changes):
        let employee = try existing(state)
        do {
            let updated = try employeeUpdated(employee, changes, today: today)
            return updated.changedFields.isEmpty ? [] : [.updated(updated)]
        } catch {
            throw .invalid(error)
        }
    case .grantScope(let scope):
        return try existing(state).scopes.contains(scope) ? [] : [.scopeGranted(ScopeGranted(scope: scope))]
    case .grantScopes(let scopes):
        var held = try existing(state).scopes
        return scopes.compactMap { scope in
            held.insert(scope).inserted ? .scopeGranted(ScopeGranted(scope: scope)) : nil
        }
    case .revokeScope(let scope):
        return try existing(state).scopes.contains(scope) ? [.scopeRevoked(ScopeRevoked(scope: scope))] : []
    case .disable:
        return try existing(state).isDisabled ? [] : [.disabled(EmployeeDisabled())]
    case .enable:
        return try existing(state).isDisabled ? [.enabled(EmployeeEnabled())] : []
    case .setPassword:
        _ = try existing(state)
        return [.passwordChanged(PasswordChanged())]
    }
}

private func existing(_ state: EmployeeState) throws(EmployeeError) -> Employee {
    guard case .present(let employee) = state else { throw .notFound }
    return employee
}

/// Validates the given fields, re-checks the hire-after-birth rule against the merged record, and keeps only the
/// fields whose value actually changes. When the merged dates clash, the error names the date the command changed
/// (the hire date when it changed both).
private func employeeUpdated(_ employee: Employee, _ changes: EmployeeChanges, today: CalendarDate)
    throws(ValidationErrors) -> EmployeeUpdated
{
    var collector = FieldErrorCollector()
    let rules = DateRules(today: today)
    let firstName = changes.firstName.flatMap { text in
        collector.collect { () throws(FieldError) in try FirstName(text) }
    }
    let lastName = changes.lastName.flatMap { text in
        collector.collect { () throws(FieldError) in try LastName(text) }
    }
    let birthDate = changes.birthDate.flatMap { text in
        collector.collect { () throws(FieldError) in try rules.birthDate(text) }
    }
    let gender = changes.gender.flatMap { text in
        collector.collect { () throws(FieldError) in try Gender(parsing: text) }
    }
    let hireDate = changes.hireDate.flatMap { text in
        collector.collect { () throws(FieldError) in try rules.hireDate(text) }
    }
    let datesChanged = birthDate != nil || hireDate != nil
    if datesChanged, !collector.hasError(for: .birthDate), !collector.hasError(for: .hireDate),
        (hireDate ?? employee.hireDate) <= (birthDate ?? employee.birthDate)
    {
        collector.record(
            hireDate != nil ? FieldError(.hireDate, .notAfterBirthDate) : FieldError(.birthDate, .notBeforeHireDate))
    }
    try collector.throwIfAny()
    return EmployeeUpdated(
        firstName: change(employee.firstName, firstName),
        lastName: change(employee.lastName, lastName),
        birthDate: change(employee.birthDate, birthDate),
        gender: change(employee.gender, gender),
        hireDate: change(employee.hireDate, hireDate))
}

private func change<Value: Sendable & Hashable>(_ previous: Value, _ new: Value?) -> FieldChange<Value>? {
    guard let new, new != previous else { return nil }
    return FieldChange(previous: previous, new: new)
}
