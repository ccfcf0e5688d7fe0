import CivilTime
import Foundation

/// A calendar date without time or time zone: what a PostgreSQL `date` column holds. A Foundation `Date` is an instant,
/// and turning a birth date into an instant invites off-by-one-day bugs across time zones.
public struct PostgresDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Returns nil when the triple is not a real date in the proleptic Gregorian calendar.
    public init?(year: Int, month: Int, day: Int) {
        guard CivilCalendar.isValid(year: year, month: month, day: day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 2000-01-01, PostgreSQL's epoch for `date`.
    init(daysSincePostgresEpoch days: Int) {
        (year, month, day) = CivilCalendar.day(fromDaysSinceUnixEpoch: days + unixDaysAtPostgresEpoch)
    }

    var daysSincePostgresEpoch: Int {
        CivilCalendar.daysSinceUnixEpoch(year: year, month: month, day: day) - unixDaysAtPostgresEpoch
    }

    public static func < (lhs: PostgresDate, rhs: PostgresDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// ISO 8601, `YYYY-MM-DD`.
    public var description: String {
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-"
            + (month < 10 ? "0" : "") + String(month) + "-" + (day < 10 ? "0" : "") + String(day)
    }
}
