import Foundation

/// RFC 3339 timestamps with milliseconds, in UTC.
public enum ISO8601 {
    /// `2024-05-01T12:00:00.123Z`, as `Date.ISO8601FormatStyle(includingFractionalSeconds: true)` writes it but at a
    /// fraction of its cost. The value is first taken to the microsecond PostgreSQL stores, then truncated to the
    /// millisecond, so a stored `.620000` is `.620` (that style can print `.619`, and an `as_of` copied from it would
    /// then miss the event).
    public static func string(from date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let milliseconds = microseconds >= 0 ? microseconds / 1000 : (microseconds - 999) / 1000
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = Int(milliseconds - seconds * 1000)
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = CivilCalendar.day(fromDaysSinceUnixEpoch: days)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4)
        text.append(UInt8(ascii: "-"))
        digits(month, 2)
        text.append(UInt8(ascii: "-"))
        digits(day, 2)
        text.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        text.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        text.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        text.append(UInt8(ascii: "."))
        digits(fraction, 3)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// Parses an RFC 3339 `date-time` strictly (`2024-05-01T12:00:00Z`, `2024-05-01T14:00:00.5+02:00`), or a plain
    /// `full-date` (midnight UTC). Every field is range-checked against the calendar, so `2027-02-30` or hour 25
    /// is nil, not a quietly rolled-over instant. Leap seconds (`:60`) are refused: no stored time can be one.
    public static func date(from text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes.count <= 40, let fields = CivilCalendar.fullDateFields(bytes[0..<10]),
            (1...9999).contains(fields.year), CivilCalendar.isValid(year: fields.year, month: fields.month, day: fields.day)
        else { return nil }
        let dayNumber = CivilCalendar.daysSinceUnixEpoch(year: fields.year, month: fields.month, day: fields.day)
        if bytes.count == 10 { return Date(timeIntervalSince1970: Double(dayNumber) * 86_400) }
        var index = 10
        func number(_ width: Int, maximum: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + width)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += width
            return value <= maximum ? value : nil
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard expect("Tt"), let hour = number(2, maximum: 23), expect(":"), let minute = number(2, maximum: 59), expect(":"),
            let second = number(2, maximum: 59)
        else { return nil }
        // The fraction is kept to the microsecond, as PostgreSQL stores times; further digits are cut off.
        var microseconds: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            var scale: Int64 = 100_000
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                microseconds += Int64(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offsetSeconds = 0
        if expect("Zz") {
            offsetSeconds = 0
        } else {
            guard index < bytes.count else { return nil }
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard expect("+-"), let offsetHours = number(2, maximum: 23), expect(":"), let offsetMinutes = number(2, maximum: 59)
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard index == bytes.count else { return nil }
        let seconds = Int64(dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return Date(timeIntervalSince1970: Double(seconds * 1_000_000 + microseconds) / 1_000_000)
    }
}
