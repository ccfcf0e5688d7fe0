/// Adds `Strict-Transport-Security` to every response the application gives, so a browser that reached the service
/// over HTTPS once never tries plaintext again for `maxAge` (RFC 6797). Only for servers that serve TLS themselves:
/// the header is ignored over plaintext, and behind a TLS-terminating proxy it is the proxy's to send.
public struct StrictTransportSecurityMiddleware<Route: Sendable>: HTTPMiddleware {
    public let value: String

    public init(maxAge: Duration = .seconds(365 * 86_400)) {
        value = "max-age=\(maxAge.components.seconds)"
    }

    public func handle(
        _ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>
    ) async throws -> HTTPResponse {
        var response = try await next(request, context)
        response.headers.set("Strict-Transport-Security", value)
        return response
    }
}
