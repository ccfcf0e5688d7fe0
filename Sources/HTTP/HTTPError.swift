import JSONText

/// An error that knows its HTTP status and renders itself as RFC 9457 `application/problem+json`. Throw it from a
/// handler or a middleware; any other error becomes a 500 problem without detail, so internals never leak.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPStatus
    /// A URI reference naming the problem type; `about:blank` means "see the status code".
    public var type: String
    public var title: String
    /// A human-readable explanation of this occurrence. Never put secrets or unescaped user input here.
    public var detail: String?
    /// Extension members, rendered after the standard ones (RFC 9457 §3.2).
    public var members: [(name: String, value: JSONValue)]
    /// Extra response headers, such as `Allow`, `WWW-Authenticate` or `Retry-After`.
    public var headers: HTTPHeaders

    public init(
        _ status: HTTPStatus, type: String = "about:blank", title: String? = nil, detail: String? = nil,
        fieldErrors: [HTTPFieldError] = [], members: [(name: String, value: JSONValue)] = [], headers: HTTPHeaders = [:]
    ) {
        self.status = status
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.members = members
        if !fieldErrors.isEmpty {
            self.members.append((name: "errors", value: .array(fieldErrors.map(\.json))))
        }
        self.headers = headers
    }

    public var description: String { "HTTPError(\(status.code) \(title))" }

    /// The problem document as a response.
    public var response: HTTPResponse {
        var json = JSONWriter()
        json.bytes.append(UInt8(ascii: "{"))
        json.member("type", .string(type), first: true)
        json.member("title", .string(title))
        json.member("status", .int(status.code))
        if let detail { json.member("detail", .string(detail)) }
        let reserved: Set<String> = ["type", "title", "status", "detail"]
        for member in members where !reserved.contains(member.name) {
            json.member(member.name, member.value)
        }
        json.bytes.append(UInt8(ascii: "}"))
        var headers = self.headers
        headers.set("Content-Type", "application/problem+json")
        headers.set("X-Content-Type-Options", "nosniff")
        return HTTPResponse(status: status, headers: headers, body: json.bytes)
    }
}

/// One invalid input field, rendered in a problem's `errors` member as `{"field": …, "message": …}`.
public struct HTTPFieldError: Sendable, Equatable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    var json: JSONValue {
        .object([(name: "field", value: .string(field)), (name: "message", value: .string(message))])
    }
}

/// A JSON value for bodies the server writes itself: a problem's extension members, or a handler's small, hot
/// response (`jsonBytes`). Object members keep their order.
public indirect enum JSONValue: Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(name: String, value: JSONValue)])

    /// Compact JSON text, escaped as Foundation's `JSONEncoder` escapes (with `/` left alone).
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.value(self)
        return writer.bytes
    }
}

/// Writes JSON without Foundation: problem documents are rendered on every error path, so they must be cheap.
struct JSONWriter {
    var bytes: [UInt8] = []

    mutating func member(_ name: String, _ value: JSONValue, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        string(name)
        bytes.append(UInt8(ascii: ":"))
        self.value(value)
    }

    mutating func value(_ value: JSONValue) {
        switch value {
        case .string(let text):
            string(text)
        case .int(let number):
            bytes.append(contentsOf: String(number).utf8)
        case .bool(let flag):
            bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                self.value(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                self.member(member.name, member.value, first: index == 0)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    mutating func string(_ text: String) {
        JSONStringLiteral.appendQuoted(text, to: &bytes)
    }
}
