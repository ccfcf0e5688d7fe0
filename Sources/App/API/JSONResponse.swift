import Foundation
import Glibc
import HTTP
import Records

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

    /// Parses `2024-05-01T12:00:00Z`, with or without fractional seconds, or a plain date (midnight UTC).
    static func date(from text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day()) { return date }
        return nil
    }
}
