import Foundation
import HTTP
import Operations
import Records

/// Answers every request to the original system's paths in the envelope, errors included: authentication and
/// scope denials from `AuthenticationMiddleware`, and whatever a handler throws once `ErrorMapping` has made it a
/// problem. Sits just outside the authentication middleware, so it sees every answer of those routes.
struct CompatibilityEnvelopeMiddleware: HTTPMiddleware {
    typealias Route = Operations.Route

    func handle(_ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>) async throws -> HTTPResponse {
        let response = try await next(request, context)
        guard CompatibilityRoutes.serves(rawPath: request.rawPath),
            response.headers["Content-Type"] == "application/problem+json"
        else { return response }
        return CompatibilityResponse.translating(problem: response, labels: CompatibilityRoutes.labels(for: context.pattern))
    }
}
