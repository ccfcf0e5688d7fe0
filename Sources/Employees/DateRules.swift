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
