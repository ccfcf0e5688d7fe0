/// The validated personal record of an employee (everything but the number, scopes, status and password).
public struct EmployeeProfile: Sendable, Hashable {
    public let firstName: FirstName
    public let lastName: LastName
    public let birthDate: CalendarDate
    public let gender: Gender
    public let hireDate: CalendarDate
    public let email: EmailAddress

    /// Checks the date rules (`DateRules`) on already typed values.
    public init(
        firstName: FirstName, lastName: LastName, birthDate: CalendarDate, gender: Gender, hireDate: CalendarDate,
        email: EmailAddress, today: CalendarDate
    ) throws(ValidationErrors) {
        var collector = FieldErrorCollector()
        let rules = DateRules(today: today)
        collector.collect { () throws(FieldError) in try rules.checkBirthDate(birthDate) }
        collector.collect { () throws(FieldError) in try rules.checkHireDate(hireDate) }
        if !collector.hasError(for: .birthDate), hireDate <= birthDate {
            collector.record(FieldError(.hireDate, .notAfterBirthDate))
        }
        try collector.throwIfAny()
        self.init(
            unchecked: firstName, lastName: lastName, birthDate: birthDate, gender: gender, hireDate: hireDate,
            email: email)
    }

    /// Validates every field of `fields`, collecting all errors (one per field) before throwing.
    public init(validating fields: EmployeeFields, today: CalendarDate) throws(ValidationErrors) {
        var collector = FieldErrorCollector()
        let rules = DateRules(today: today)
        let firstName = collector.collect { () throws(FieldError) in
            try FirstName(Self.required(fields.firstName, .firstName))
        }
        let lastName = collector.collect { () throws(FieldError) in
            try LastName(Self.required(fields.lastName, .lastName))
        }
        let birthDate = collector.collect { () throws(FieldError) in
            try rules.birthDate(Self.required(fields.birthDate, .birthDate))
        }
        let gender = collector.collect { () throws(FieldError) in
            try Gender(parsing: Self.required(fields.gender, .gender))
        }
        let hireDate = collector.collect { () throws(FieldError) in
            try rules.hireDate(Self.required(fields.hireDate, .hireDate))
        }
        let email = collector.collect { () throws(FieldError) in
            try EmailAddress(Self.required(fields.email, .email))
        }
        if let birthDate, let hireDate, hireDate <= birthDate {
            collector.record(FieldError(.hireDate, .notAfterBirthDate))
        }
        try collector.throwIfAny()
        guard let firstName, let lastName, let birthDate, let gender, let hireDate, let email else {
            preconditionFailure("every field is either valid or recorded as an error")
        }
        self.init(
            unchecked: firstName, lastName: lastName, birthDate: birthDate, gender: gender, hireDate: hireDate,
            email: email)
    }

    init(
        unchecked firstName: FirstName, lastName: LastName, birthDate: CalendarDate, gender: Gender,
        hireDate: CalendarDate, email: EmailAddress
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.birthDate = birthDate
        self.gender = gender
        self.hireDate = hireDate
        self.email = email
    }

    private static func required(_ value: String?, _ field: EmployeeField) throws(FieldError) -> String {
        guard let value else { throw FieldError(field, .required) }
        return value
    }
}
