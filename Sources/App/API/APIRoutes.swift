import Console
import HTTP
import Operations
import Security

/// Every route of the service, registered once. A route cannot be registered without its access declaration.
enum APIRoutes {
    /// Runs the matched route's handler and maps whatever it throws, in one place.
    @Sendable static func respond(route: Route, request: HTTPRequest, context: HTTPRequestContext<Route>) async throws
        -> HTTPResponse
    {
        do {
            let handler = context[PageRequestKey.self] == true ? route.page ?? route.handler : route.handler
            return try await handler(APIRequest(http: request, principal: context[PrincipalKey.self]))
        } catch {
            throw ErrorMapping.httpError(for: error)
        }
    }

    /// `httpsAuthority` (host:port) when the service serves HTTPS itself: the OpenAPI document then names an https server.
    static func table(context: APIContext, keys: JWTKeySet, httpsAuthority: String? = nil) throws -> RouteTable {
        var table = RouteTable()
        try OperationalRoutes.register(in: &table, context: context, keys: keys)
        try EmployeeRoutes.register(in: &table, context: context)
        try CompatibilityRoutes.register(in: &table, context: context)
        try AccountRoutes.register(in: &table, context: context)
        try AuthRoutes.register(in: &table, context: context, keys: keys)
        try AuditRoutes.register(in: &table, context: context)
        try LogEvidenceRoutes.register(in: &table, context: context)
        try MetricsRoutes.register(in: &table, context: context)
        // Last: it documents every route registered before it, and itself.
        try OpenAPIRoutes.register(in: &table, httpsAuthority: httpsAuthority)
        return table
    }
}
