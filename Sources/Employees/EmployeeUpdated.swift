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
