import Foundation

/// A calendar date without time or time zone: what a PostgreSQL `date` column holds. A Foundation `Date` is an instant,
/// and turning a birth date into an instant invites off-by-one-day bugs across time zones.
public struct PostgresDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Returns nil when the triple is not a real date in the proleptic Gregorian calendar.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= PostgresDate.daysInMonth(year: year, month: month) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 2000-01-01, PostgreSQL's epoch for `date`.
    init(daysSincePostgresEpoch days: Int) {
        (year, month, day) = civilDate(fromDaysSinceUnixEpoch: days + unixDaysAtPostgresEpoch)
    }

    var daysSincePostgresEpoch: Int {
        daysSinceUnixEpoch(year: year, month: month, day: day) - unixDaysAtPostgresEpoch
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

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
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

/// Days from 1970-01-01 to the given proleptic Gregorian date. Counts in 400-year eras of 146 097 days, with years
/// starting on March 1 so that the leap day is the last day of its year.
func daysSinceUnixEpoch(year: Int, month: Int, day: Int) -> Int {
    let marchBasedYear = month <= 2 ? year - 1 : year
    let era = (marchBasedYear >= 0 ? marchBasedYear : marchBasedYear - 399) / 400
    let yearOfEra = marchBasedYear - era * 400
    let marchBasedMonth = (month + 9) % 12
    let dayOfYear = (153 * marchBasedMonth + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// The inverse of `daysSinceUnixEpoch`.
func civilDate(fromDaysSinceUnixEpoch days: Int) -> (year: Int, month: Int, day: Int) {
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let marchBasedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * marchBasedMonth + 2) / 5 + 1
    let month = marchBasedMonth < 10 ? marchBasedMonth + 3 : marchBasedMonth - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
}
