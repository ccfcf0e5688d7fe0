import CivilTime

/// Why a text is not a calendar date. The field validators turn it into a `FieldError` naming the field.
public enum CalendarDateError: Error, Sendable, Hashable {
    /// Not laid out as `yyyy-mm-dd` or `d/m/yyyy`.
    case invalidFormat
    /// Laid out correctly but no such day, e.g. `2023-02-29`, `31/4/2020`, `2020-13-01`.
    case notACalendarDate
}
