/// Facts about one employee, in the order they happened. Each carries a stable type name and schema version, the
/// keys under which the event store files it; payloads are plain values (`EventPayload.swift`).
public enum EmployeeEvent: Sendable, Hashable {
    case created(EmployeeCreated)
    case updated(EmployeeUpdated)
    case scopeGranted(ScopeGranted)
    case scopeRevoked(ScopeRevoked)
    case disabled(EmployeeDisabled)
    case enabled(EmployeeEnabled)
    case passwordChanged(PasswordChanged)

    /// The schema version every event of this module is written with today.
    public static let currentSchemaVersion = 1

    /// Every type name this module writes and reads.
    public static let typeNames = [
        "EmployeeCreated", "EmployeeUpdated", "ScopeGranted", "ScopeRevoked", "EmployeeDisabled", "EmployeeEnabled",
        "PasswordChanged",
    ]

    /// The type of personal-data changes, the bulk of the log: readers that care only about accounts skip it by name.
    public static let updatedTypeName = "EmployeeUpdated"

    public var typeName: String {
        switch self {
        case .created: "EmployeeCreated"
        case .updated: Self.updatedTypeName
        case .scopeGranted: "ScopeGranted"
        case .scopeRevoked: "ScopeRevoked"
        case .disabled: "EmployeeDisabled"
        case .enabled: "EmployeeEnabled"
        case .passwordChanged: "PasswordChanged"
        }
    }

    public var schemaVersion: Int { Self.currentSchemaVersion }
}

/// An employee came into being with these fields.
public struct EmployeeCreated: Sendable, Hashable {
    public var empNo: EmployeeNumber
    public var firstName: FirstName
    public var lastName: LastName
    public var birthDate: CalendarDate
    public var gender: Gender
    public var hireDate: CalendarDate
    public var email: EmailAddress

    public init(
        empNo: EmployeeNumber, firstName: FirstName, lastName: LastName, birthDate: CalendarDate, gender: Gender,
        hireDate: CalendarDate, email: EmailAddress
    ) {
        self.empNo = empNo
        self.firstName = firstName
        self.lastName = lastName
        self.birthDate = birthDate
        self.gender = gender
        self.hireDate = hireDate
        self.email = email
    }

    public init(empNo: EmployeeNumber, profile: EmployeeProfile) {
        self.init(
            empNo: empNo, firstName: profile.firstName, lastName: profile.lastName, birthDate: profile.birthDate,
            gender: profile.gender, hireDate: profile.hireDate, email: profile.email)
    }
}

/// A field's value before and after a change.
public struct FieldChange<Value: Sendable & Hashable>: Sendable, Hashable {
    public var previous: Value
    public var new: Value

    public init(previous: Value, new: Value) {
        self.previous = previous
        self.new = new
    }
}

/// Some personal fields changed; only the changed ones are present, each with its previous and new value.
public struct EmployeeUpdated: Sendable, Hashable {
    public var firstName: FieldChange<FirstName>?
    public var lastName: FieldChange<LastName>?
    public var birthDate: FieldChange<CalendarDate>?
    public var gender: FieldChange<Gender>?
    public var hireDate: FieldChange<CalendarDate>?

    public init(
        firstName: FieldChange<FirstName>? = nil, lastName: FieldChange<LastName>? = nil,
        birthDate: FieldChange<CalendarDate>? = nil, gender: FieldChange<Gender>? = nil,
        hireDate: FieldChange<CalendarDate>? = nil
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.birthDate = birthDate
        self.gender = gender
        self.hireDate = hireDate
    }

    /// The changed fields, in canonical order.
    public var changedFields: [EmployeeField] {
        [
            firstName.map { _ in .firstName }, lastName.map { _ in .lastName }, birthDate.map { _ in .birthDate },
            gender.map { _ in .gender }, hireDate.map { _ in .hireDate },
        ].compactMap { $0 }
    }
}

/// A scope was granted to the employee.
public struct ScopeGranted: Sendable, Hashable {
    public var scope: String
    public init(scope: String) { self.scope = scope }
}

/// A scope was taken away from the employee.
public struct ScopeRevoked: Sendable, Hashable {
    public var scope: String
    public init(scope: String) { self.scope = scope }
}

/// The employee may no longer sign in; existing tokens stop working through the principal table.
public struct EmployeeDisabled: Sendable, Hashable {
    public init() {}
}

/// The employee may sign in again.
public struct EmployeeEnabled: Sendable, Hashable {
    public init() {}
}

/// A new password hash was stored. The event holds neither the hash nor the password: the log is read by auditors
/// and reporting, and a secret in it could never be erased.
public struct PasswordChanged: Sendable, Hashable {
    public init() {}
}
