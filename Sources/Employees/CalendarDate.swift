import CivilTime

/// A day of the proleptic Gregorian calendar with no time and no zone: birth and hire dates are days, not instants,
/// so they never shift with a time zone. Years 1 to 9999, the range ISO `yyyy-mm-dd` can spell.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil unless the three numbers name a real day (leap years included).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Accepts either layout the service meets: ISO `yyyy-mm-dd` (ours) or `d/m/yyyy` (the original system's forms).
    public init(parsing text: String) throws(CalendarDateError) {
        if text.utf8.contains(UInt8(ascii: "/")) {
            try self.init(dayMonthYear: text)
        } else {
            try self.init(iso: text)
        }
    }

    /// Strict ISO 8601 calendar date: exactly four, two and two ASCII digits separated by `-`.
    public init(iso text: String) throws(CalendarDateError) {
        guard let (year, month, day) = CivilCalendar.fullDateFields(text.utf8) else { throw .invalidFormat }
        guard let date = CalendarDate(year: year, month: month, day: day) else { throw .notACalendarDate }
        self = date
    }

    /// The original system's `d/m/yyyy`: day and month with one or two digits, the year with exactly four.
    public init(dayMonthYear text: String) throws(CalendarDateError) {
        let parts = Self.split(text, separator: UInt8(ascii: "/"))
        guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
            parts[2].count == 4,
            let day = Self.number(parts[0]), let month = Self.number(parts[1]), let year = Self.number(parts[2])
        else { throw .invalidFormat }
        guard let date = CalendarDate(year: year, month: month, day: day) else { throw .notACalendarDate }
        self = date
    }

    /// Nil when the day falls outside years 1 to 9999.
    public init?(daysSinceEpoch days: Int) {
        let (year, month, day) = CivilCalendar.day(fromDaysSinceUnixEpoch: days)
        self.init(year: year, month: month, day: day)
    }

    /// Days since 1970-01-01 (negative before it): cheap arithmetic and a compact storage form.
    public var daysSinceEpoch: Int { CivilCalendar.daysSinceUnixEpoch(year: year, month: month, day: day) }

    /// The same day and month `years` later; 29 February becomes 28 February in a common year. Nil past year 9999.
    public func adding(years: Int) -> CalendarDate? {
        let target = year + years
        guard (1...9999).contains(target) else { return nil }
        return CalendarDate(year: target, month: month, day: min(day, Self.daysIn(month: month, year: target)))
    }

    public static func isLeap(year: Int) -> Bool { CivilCalendar.isLeap(year: year) }

    public static func daysIn(month: Int, year: Int) -> Int { CivilCalendar.daysIn(month: month, year: year) }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// ISO `yyyy-mm-dd`, the form events and responses carry.
    public var iso: String {
        CivilCalendar.padded(year, 4) + "-" + CivilCalendar.padded(month, 2) + "-" + CivilCalendar.padded(day, 2)
    }

    public var description: String { iso }

    private static func split(_ text: String, separator: UInt8) -> [Substring.UTF8View] {
        text.utf8[...].split(separator: separator, omittingEmptySubsequences: false)
    }

    private static func number(_ digits: Substring.UTF8View) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
