import Glibc

/// How the length of a response body is told to the client.
enum ResponseFraming {
    /// `Content-Length` (also for HEAD, where the body is not sent).
    case length(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked
    /// Neither: a status that has no content (204, 304), or a stream to an HTTP/1.0 client, ended by closing.
    case none
}

/// Serializes a status line and header block. The server owns framing, `Date` and `Connection`; every other header
/// is the handler's and is validated here, so no value can end the head early or start a second response.
enum ResponseHead {
    /// Returns false, leaving `buffer` unspecified, when the status or a header could split the response.
    static func write(
        into buffer: inout [UInt8], status: HTTPStatus, headers: HTTPHeaders, framing: ResponseFraming,
        connection: ConnectionHeader, date: HTTPDate
    ) -> Bool {
        guard (200...999).contains(status.code), ASCII.isFieldValue(status.reasonPhrase) else { return false }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(status.code, to: &buffer)
        buffer.append(ASCII.space)
        buffer.append(contentsOf: status.reasonPhrase.utf8)
        buffer.append(contentsOf: crlf)

        var hasContentType = false
        for field in headers {
            guard ASCII.isToken(field.name), ASCII.isFieldValue(field.value) else { return false }
            switch field.name.utf8.count {
            case 4 where ASCII.equalsLowercased(field.name.utf8, "date"): continue
            case 10 where ASCII.equalsLowercased(field.name.utf8, "connection"): continue
            case 12 where ASCII.equalsLowercased(field.name.utf8, "content-type"): hasContentType = true
            case 14 where ASCII.equalsLowercased(field.name.utf8, "content-length"): continue
            case 17 where ASCII.equalsLowercased(field.name.utf8, "transfer-encoding"): continue
            default: break
            }
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(contentsOf: ": ".utf8)
            buffer.append(contentsOf: field.value.utf8)
            buffer.append(contentsOf: crlf)
        }

        switch framing {
        case .length(let length):
            if !hasContentType && length > 0 { buffer.append(contentsOf: defaultContentType) }
            buffer.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(length, to: &buffer)
            buffer.append(contentsOf: crlf)
        case .chunked:
            if !hasContentType { buffer.append(contentsOf: defaultContentType) }
            buffer.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8)
        case .none:
            if !hasContentType && !status.forbidsContent { buffer.append(contentsOf: defaultContentType) }
        }
        buffer.append(contentsOf: "Date: ".utf8)
        buffer.append(contentsOf: date.bytes)
        buffer.append(contentsOf: crlf)
        switch connection {
        case .close: buffer.append(contentsOf: "Connection: close\r\n".utf8)
        case .keepAlive: buffer.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        case .omitted: break
        }
        buffer.append(contentsOf: crlf)
        return true
    }

    enum ConnectionHeader {
        case close, keepAlive, omitted
    }

    static let crlf: [UInt8] = [ASCII.cr, ASCII.lf]
    static let defaultContentType = Array("Content-Type: application/octet-stream\r\n".utf8)
    static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        guard value >= 10 else {
            buffer.append(UInt8(truncatingIfNeeded: 0x30 + max(0, value)))
            return
        }
        appendDecimal(value / 10, to: &buffer)
        buffer.append(UInt8(truncatingIfNeeded: 0x30 + value % 10))
    }

    static func appendHex(_ value: Int, to buffer: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        if value >= 16 { appendHex(value >> 4, to: &buffer) }
        buffer.append(digits.utf8Start[value & 0xF])
    }
}

/// The IMF-fixdate of the current second, rebuilt at most once a second per loop.
struct HTTPDate {
    private(set) var bytes: [UInt8] = []
    private var second = -1

    mutating func refresh() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        guard now.tv_sec != second else { return }
        second = now.tv_sec
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let text =
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        bytes = Array(text.utf8)
    }
}
