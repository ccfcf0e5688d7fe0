import Employees
import Foundation
import Glibc
import HTTP

/// Encodes response bodies: keys in a stable order, dates as ISO 8601 strings.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601.string(from: date))
        }
        return encoder
    }()

    static func make(_ value: some Encodable, status: HTTPStatus = .ok, headers: HTTPHeaders = [:]) throws -> HTTPResponse {
        var headers = headers
        headers.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: Array(try encoder.encode(value)))
    }

    /// An employee record, the body of the hottest routes: written directly, since `JSONEncoder`'s boxing and key
    /// sorting cost about as much as the rest of a read. A test holds the bytes equal to the encoder's.
    static func make(_ record: EmployeeRecord, status: HTTPStatus = .ok, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: record.json.jsonBytes)
    }

    /// A page of search results, written directly like a record.
    static func make(_ page: EmployeePage) -> HTTPResponse {
        HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: page.json.jsonBytes)
    }

    static func bytes(_ value: some Encodable) throws -> [UInt8] {
        Array(try encoder.encode(value))
    }
}

/// RFC 3339 timestamps with milliseconds, in UTC.
enum ISO8601 {
    /// `2024-05-01T12:00:00.123Z`, as `Date.ISO8601FormatStyle(includingFractionalSeconds: true)` writes it but at a
    /// fraction of its cost. The value is first taken to the microsecond PostgreSQL stores, then truncated to the
    /// millisecond, so a stored `.620000` is `.620` (that style can print `.619`, and an `as_of` copied from it would
    /// then miss the event).
    static func string(from date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let milliseconds = microseconds >= 0 ? microseconds / 1000 : (microseconds - 999) / 1000
        var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        let fraction = Int(milliseconds - Int64(seconds) * 1000)
        var fields = tm()
        gmtime_r(&seconds, &fields)
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
        digits(Int(fields.tm_year) + 1900, 4)
        text.append(UInt8(ascii: "-"))
        digits(Int(fields.tm_mon) + 1, 2)
        text.append(UInt8(ascii: "-"))
        digits(Int(fields.tm_mday), 2)
        text.append(UInt8(ascii: "T"))
        digits(Int(fields.tm_hour), 2)
        text.append(UInt8(ascii: ":"))
        digits(Int(fields.tm_min), 2)
        text.append(UInt8(ascii: ":"))
        digits(Int(fields.tm_sec), 2)
        text.append(UInt8(ascii: "."))
        digits(fraction, 3)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// Parses an RFC 3339 `date-time` strictly (`2024-05-01T12:00:00Z`, `2024-05-01T14:00:00.5+02:00`), or a plain
    /// `full-date` (midnight UTC). Every field is range-checked against the calendar, so `2027-02-30` or hour 25
    /// is nil, not a quietly rolled-over instant. Leap seconds (`:60`) are refused: no stored time can be one.
    static func date(from text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes.count <= 40, let day = try? CalendarDate(iso: String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        if bytes.count == 10 { return Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400) }
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
        let seconds = Int64(day.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return Date(timeIntervalSince1970: Double(seconds * 1_000_000 + microseconds) / 1_000_000)
    }
}
