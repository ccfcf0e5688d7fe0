import HTTP
import Operations

/// Headers every response of the service carries, set in one place so no route can forget them.
///
/// - `X-Content-Type-Options: nosniff` on everything: a browser must never guess a JSON body to be HTML or script.
/// - On every route that needs a token (all personal data: records, `/me`, searches, history, the log, exports):
///   `Cache-Control: no-store`, unless the route chose a policy itself, and `Vary: Authorization`, so that no shared
///   cache keeps one caller's answer or hands it to another.
struct SecurityHeadersMiddleware: HTTPMiddleware {
    typealias Route = Operations.Route

    func handle(_ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>) async throws -> HTTPResponse {
        var response = try await next(request, context)
        response.headers.set("X-Content-Type-Options", "nosniff")
        if let access = context.route?.access, access.needsToken {
            if response.headers["Cache-Control"] == nil { response.headers.set("Cache-Control", "no-store") }
            if let vary = response.headers["Vary"] {
                if !vary.lowercased().contains("authorization") { response.headers.set("Vary", vary + ", Authorization") }
            } else {
                response.headers.set("Vary", "Authorization")
            }
        }
        return response
    }
}
