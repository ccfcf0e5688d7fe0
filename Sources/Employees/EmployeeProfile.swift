/// The fields of a new employee exactly as a client or a file gave them: text, possibly missing. The domain turns
/// them into typed values itself, so that every broken rule of one command is reported at once.
public struct EmployeeFields: Sendable, Hashable {
    public var firstName: String?
    public var lastName: String?
    public var birthDate: String?
    public var gender: String?
    public var hireDate: String?
    public var email: String?

    public init(
        firstName: String? = nil, lastName: String? = nil, birthDate: String? = nil, gender: String? = nil,
        hireDate: String? = nil, email: String? = nil
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.birthDate = birthDate
        self.gender = gender
        self.hireDate = hireDate
        self.email = email
    }
}

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

/// The date rules, relative to a `today` the caller passes (the domain reads no clock):
/// - a birth date lies in `1900-01-01 ... today`;
/// - a hire date lies no later than one year after today (offers are signed ahead of the start date, but a hire
///   further out is almost surely a typing error) and strictly after the birth date.
/// No minimum age at hire is enforced: the original system has none and its data would not need one.
public struct DateRules: Sendable {
    public static let earliestBirthDate = CalendarDate(year: 1900, month: 1, day: 1)!

    public let today: CalendarDate

    public init(today: CalendarDate) { self.today = today }

    public var latestBirthDate: CalendarDate { today }

    public var latestHireDate: CalendarDate { today.adding(years: 1) ?? today }

    /// Parses (`yyyy-mm-dd` or `d/m/yyyy`) and range-checks a birth date.
    public func birthDate(_ text: String) throws(FieldError) -> CalendarDate {
        let date = try Self.parse(text, field: .birthDate)
        try checkBirthDate(date)
        return date
    }

    /// Parses (`yyyy-mm-dd` or `d/m/yyyy`) and range-checks a hire date.
    public func hireDate(_ text: String) throws(FieldError) -> CalendarDate {
        let date = try Self.parse(text, field: .hireDate)
        try checkHireDate(date)
        return date
    }

    func checkBirthDate(_ date: CalendarDate) throws(FieldError) {
        guard date >= Self.earliestBirthDate else {
            throw FieldError(.birthDate, .tooEarly(earliest: Self.earliestBirthDate))
        }
        guard date <= latestBirthDate else { throw FieldError(.birthDate, .tooLate(latest: latestBirthDate)) }
    }

    func checkHireDate(_ date: CalendarDate) throws(FieldError) {
        guard date <= latestHireDate else { throw FieldError(.hireDate, .tooLate(latest: latestHireDate)) }
    }

    private static func parse(_ text: String, field: EmployeeField) throws(FieldError) -> CalendarDate {
        guard !text.isEmpty else { throw FieldError(field, .empty) }
        do {
            return try CalendarDate(parsing: text)
        } catch {
            switch error {
            case .invalidFormat: throw FieldError(field, .invalidFormat)
            case .notACalendarDate: throw FieldError(field, .notACalendarDate)
            }
        }
    }
}
