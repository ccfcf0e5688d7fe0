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
    public var members: [(name: String, value: OrderedJSONValue)]
    /// Extra response headers, such as `Allow`, `WWW-Authenticate` or `Retry-After`.
    public var headers: HTTPHeaders

    public init(
        _ status: HTTPStatus, type: String = "about:blank", title: String? = nil, detail: String? = nil,
        fieldErrors: [HTTPFieldError] = [], members: [(name: String, value: OrderedJSONValue)] = [], headers: HTTPHeaders = [:]
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
        var json = OrderedJSONWriter()
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
