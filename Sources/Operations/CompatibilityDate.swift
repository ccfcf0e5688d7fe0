import CivilTime
import Employees

/// `d/m/yyyy` as the original answers it: day and month always two digits (`09/12/1978`).
package enum CompatibilityDate {
    /// Written digit by digit: `String(format:)` costs microseconds a call, and a page of search results has a
    /// hundred dates.
    package static func dayMonthYear(iso: String) -> String {
        // The projection's dates are always `yyyy-mm-dd`: rearranged as bytes without parsing.
        let bytes = Array(iso.utf8)
        if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) })
        {
            let slash = UInt8(ascii: "/")
            return String(decoding: [bytes[8], bytes[9], slash, bytes[5], bytes[6], slash] + bytes[0..<4], as: UTF8.self)
        }
        guard let date = try? CalendarDate(iso: iso) else { return iso }
        return CivilCalendar.padded(date.day, 2) + "/" + CivilCalendar.padded(date.month, 2) + "/"
            + CivilCalendar.padded(date.year, 4)
    }
}
