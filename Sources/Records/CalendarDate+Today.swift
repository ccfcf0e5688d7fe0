import Employees
import Foundation

extension CalendarDate {
    /// Today's date in UTC: the day the domain's date rules are checked against.
    public static func todayUTC(_ now: Date = Date()) -> CalendarDate {
        let days = Int((now.timeIntervalSince1970 / 86_400).rounded(.down))
        guard let today = CalendarDate(daysSinceEpoch: days) else { preconditionFailure("the clock is outside years 1-9999") }
        return today
    }
}
