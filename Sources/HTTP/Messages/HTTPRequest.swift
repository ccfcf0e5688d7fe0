/// A complete request as handlers see it: the body is fully read (bounded by the server's body limit).
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    public var version: HTTPVersion
    /// The percent-decoded path, e.g. `/employees/10001`.
    public var path: String
    /// The path as sent, still percent-encoded and without the query: the form that is safe to log.
    public var rawPath: String
    /// The decoded query string, repeats kept.
    public var query: URLEncodedForm
    /// The query as sent, without the `?`; empty when there is none.
    public var rawQuery: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The client's IP address as text (`127.0.0.1`, `::1`); empty for requests built in-process.
    public var remoteAddress: String
    /// Unique per request; set by the server, echoed by `RequestIDMiddleware`.
    public var requestID: String
    /// Whether the request arrived over TLS on this server's own listener (what a `Secure` cookie or an https link
    /// needs to know). A proxy in front that terminated TLS is not visible here.
    public var isTLS = false
    /// Typed values of the matched route's `{name:type}` segments, set by `HTTPApplication`.
    public var pathParameters: HTTPPathParameters

    /// Builds a request from a request-target (origin-form `/path?query`, or absolute-form whose authority is
    /// dropped). Public so the app can test its routes in-process without a socket.
    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:],
        body: [UInt8] = [], remoteAddress: String = "", requestID: String = ""
    ) throws(HTTPError) {
        var origin = Substring(target)
        let scheme = origin.prefix(8).lowercased()
        let schemeLength = scheme.hasPrefix("http://") ? 7 : scheme.hasPrefix("https://") ? 8 : 0
        if schemeLength > 0 {
            let authorityAndPath = origin.dropFirst(schemeLength)
            origin = authorityAndPath.firstIndex(of: "/").map { authorityAndPath[$0...] } ?? "/"
        }
        guard origin.first == "/", !origin.utf8.contains(UInt8(ascii: "#")) else {
            throw HTTPError(.badRequest, detail: "The request target must be an absolute path.")
        }
        let queryStart = origin.firstIndex(of: "?")
        let rawPath = origin[..<(queryStart ?? origin.endIndex)]
        if rawPath.utf8.contains(UInt8(ascii: "%")) {
            guard let decoded = PercentDecoding.decode(rawPath.utf8, plusIsSpace: false) else {
                throw HTTPError(.badRequest, detail: "The path is not correctly percent-encoded UTF-8.")
            }
            path = decoded
        } else {
            path = String(rawPath)
        }
        self.rawPath = String(rawPath)
        if let queryStart {
            let rawQuery = origin[origin.index(after: queryStart)...]
            query = try URLEncodedForm(parsing: rawQuery.utf8)
            self.rawQuery = String(rawQuery)
        } else {
            query = URLEncodedForm()
            rawQuery = ""
        }
        self.method = method
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.requestID = requestID
        self.pathParameters = HTTPPathParameters()
    }
}
