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

/// JSON text bound as `jsonb` and read from `json`/`jsonb` columns. The text is passed through untouched: encoding and
/// decoding JSON is the caller's business, so this module needs no opinion on JSON coders.
public struct PostgresJSON: Hashable, Sendable {
    public let text: String
    public init(text: String) { self.text = text }
}

/// 2000-01-01 counted in days from 1970-01-01.
let unixDaysAtPostgresEpoch = 10_957
/// 2000-01-01T00:00:00Z counted in seconds from 1970-01-01T00:00:00Z.
let unixSecondsAtPostgresEpoch: Double = 946_684_800
