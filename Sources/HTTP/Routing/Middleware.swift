/// What the server calls for every request. It never throws: errors are already responses by then.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) async -> HTTPResponse
}

/// A key for a value a middleware hands on to later middleware and the handler (the app's principal, for example).
public protocol HTTPContextKey {
    associatedtype Value: Sendable
}

/// Per-request state travelling through the middleware chain: the route the router matched (nil when the path is
/// unknown or the method is not allowed; the handler is then not called and the routing problem is answered) and
/// values keyed by `HTTPContextKey` types.
public struct HTTPRequestContext<Route: Sendable>: Sendable {
    public let route: Route?
    /// The matched pattern, e.g. `/employees/{emp_no:int}`: a low-cardinality label for logs and metrics.
    public let pattern: String?
    let routingError: HTTPError?
    private var values: [ObjectIdentifier: any Sendable] = [:]

    public init(route: Route?, pattern: String?) {
        self.route = route
        self.pattern = pattern
        self.routingError = nil
    }

    init(routingError: HTTPError) {
        route = nil
        pattern = nil
        self.routingError = routingError
    }

    public subscript<Key: HTTPContextKey>(key: Key.Type) -> Key.Value? {
        get { values[ObjectIdentifier(key)] as? Key.Value }
        set { values[ObjectIdentifier(key)] = newValue }
    }
}

public typealias HTTPNext<Route: Sendable> =
    @Sendable (HTTPRequest, HTTPRequestContext<Route>) async throws ->
    HTTPResponse

/// A step around the handler: request ids, access logs, authentication. Call `next` to go on, or return (or throw
/// an `HTTPError`) to answer early. Errors thrown further in are already responses when `next` returns, so an
/// outer middleware (the access log) sees the final status.
public protocol HTTPMiddleware<Route>: Sendable {
    associatedtype Route: Sendable
    func handle(_ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>) async throws
        -> HTTPResponse
}

/// Router + middleware + handler: the app's `HTTPResponder`. Matching happens first, so every middleware knows the
/// route (and its required scopes); the middleware chain is composed once, at init.
public struct HTTPApplication<Route: Sendable>: HTTPResponder {
    public typealias Handler = @Sendable (Route, HTTPRequest, HTTPRequestContext<Route>) async throws -> HTTPResponse

    public let router: Router<Route>
    private let chain: HTTPNext<Route>
    private let logger: any HTTPLogger

    /// `middleware` runs in order, the first one outermost.
    public init(
        router: Router<Route>, middleware: [any HTTPMiddleware<Route>] = [],
        logger: any HTTPLogger = StandardErrorLogger(), handler: @escaping Handler
    ) {
        self.router = router
        self.logger = logger
        var next: HTTPNext<Route> = { request, context in
            guard let route = context.route else { throw context.routingError ?? HTTPError(.notFound) }
            return try await handler(route, request, context)
        }
        for layer in middleware.reversed() {
            let inner = next
            let answering: HTTPNext<Route> = { request, context in
                do {
                    return try await inner(request, context)
                } catch {
                    return Self.response(for: error, request: request, logger: logger)
                }
            }
            next = { request, context in try await layer.handle(request, context: context, next: answering) }
        }
        chain = next
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        var request = request
        let context: HTTPRequestContext<Route>
        do {
            let match = try router.match(request.method, path: request.rawPath)
            request.pathParameters = match.parameters
            context = HTTPRequestContext(route: match.route, pattern: match.pattern)
        } catch {
            context = HTTPRequestContext(routingError: error)
        }
        do {
            return try await chain(request, context)
        } catch {
            return Self.response(for: error, request: request, logger: logger)
        }
    }

    /// `HTTPError` renders itself; anything else is a 500 whose log line names only the error's type, since an
    /// error's description may carry data that must not reach a log.
    static func response(for error: any Error, request: HTTPRequest, logger: any HTTPLogger) -> HTTPResponse {
        if let problem = error as? HTTPError { return problem.response }
        logger.log(.error, "unhandled \(type(of: error)) for request_id=\(request.requestID) path=\(request.rawPath)")
        return HTTPError(.internalServerError).response
    }
}

/// Echoes the request id in a response header. With `trustIncoming`, a well-formed id sent by the client (a trusted
/// proxy in front of us) replaces the server's own, so one id follows the request across services.
public struct RequestIDMiddleware<Route: Sendable>: HTTPMiddleware {
    public let headerName: String
    public let trustIncoming: Bool

    public init(headerName: String = "X-Request-ID", trustIncoming: Bool = false) {
        self.headerName = headerName
        self.trustIncoming = trustIncoming
    }

    public func handle(_ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>) async throws
        -> HTTPResponse
    {
        var request = request
        if trustIncoming, let incoming = request.headers[headerName], Self.isWellFormed(incoming) {
            request.requestID = incoming
        }
        var response = try await next(request, context)
        response.headers.set(headerName, request.requestID)
        return response
    }

    static func isWellFormed(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: ":")
            }
    }
}

/// One line per request: method, path without query (still percent-encoded, so it cannot forge a line), status,
/// body bytes (`-` when streamed), duration and request id. Never headers, query strings or bodies: they carry
/// credentials and personal data.
public struct AccessLogMiddleware<Route: Sendable>: HTTPMiddleware {
    private let logger: any HTTPLogger

    public init(logger: any HTTPLogger) {
        self.logger = logger
    }

    public func handle(_ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>) async throws
        -> HTTPResponse
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let bytes: String
        switch response.body {
        case .bytes(let body): bytes = String(body.count)
        case .stream: bytes = "-"
        }
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        logger.log(
            .info,
            "method=\(request.method) path=\(request.rawPath) status=\(response.status.code) bytes=\(bytes) "
                + "duration_ms=\(Double(microseconds) / 1000) request_id=\(request.requestID)")
        return response
    }
}
