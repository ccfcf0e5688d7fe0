/// One rule broken by one field. Carries no input value, so it can be logged and shown without leaking data.
public struct FieldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why a value was rejected.
    public enum Reason: Sendable, Hashable {
        /// The field is required and was not given.
        case required
        /// The field was given but is empty (after trimming surrounding white space, for free text).
        case empty
        /// Longer than the maximum number of characters (Unicode scalars, as PostgreSQL's `varchar(n)` counts).
        case tooLong(maximum: Int)
        /// Contains a control character, a line or paragraph separator, or (for an email address) white space.
        case invalidCharacters
        /// Nothing a reader would see: only spaces, marks or invisible format characters.
        case noVisibleCharacter
        /// Not in an accepted syntax (date layout, email address, `M`/`F`, decimal digits).
        case invalidFormat
        /// Well-formed but names no day of the calendar, e.g. `2023-02-29` or `31/4/2020`.
        case notACalendarDate
        /// An employee number must be greater than zero.
        case notPositive
        /// An employee number must fit PostgreSQL's `integer`.
        case outOfRange
        /// Earlier than the earliest accepted date.
        case tooEarly(earliest: CalendarDate)
        /// Later than the latest accepted date.
        case tooLate(latest: CalendarDate)
        /// A hire date must come after the birth date.
        case notAfterBirthDate
        /// A changed birth date must come before the (unchanged) hire date.
        case notBeforeHireDate
    }

    public let field: EmployeeField
    public let reason: Reason

    public init(_ field: EmployeeField, _ reason: Reason) {
        self.field = field
        self.reason = reason
    }

    /// A sentence a client can show next to the field.
    public var message: String {
        switch reason {
        case .required: "is required"
        case .empty: "must not be empty"
        case .tooLong(let maximum): "must be at most \(maximum) characters"
        case .invalidCharacters: "contains characters that are not allowed"
        case .noVisibleCharacter: "must contain a visible character"
        case .invalidFormat: field.formatHint
        case .notACalendarDate: "is not a date of the calendar"
        case .notPositive: "must be a positive integer"
        case .outOfRange: "must be at most \(EmployeeNumber.maximum)"
        case .tooEarly(let earliest): "must not be before \(earliest)"
        case .tooLate(let latest): "must not be after \(latest)"
        case .notAfterBirthDate: "must be after birth_date"
        case .notBeforeHireDate: "must be before hire_date"
        }
    }

    public var description: String { "\(field.rawValue) \(message)" }
}
