import HTTP
import Records
import Security

/// Who may call a route. Declared where the route is registered, checked by `AuthenticationMiddleware` before the
/// handler runs, so no command is decided and no event appended for a caller who lacks the scopes.
enum Access: Sendable {
    /// No token needed (health, metrics, JWKS, OpenAPI, login).
    case `public`
    /// Any valid token, whatever its scopes.
    case authenticated
    /// Every one of these scopes (after implication).
    case scopes(ScopeSet)
    /// `own` when the path's `emp_no` is the caller's own, otherwise `any` (the original system's rule).
    case ownRecordOr(own: ScopeSet, any: ScopeSet)
    /// Only the caller's own record, with these scopes; nobody may act on others through this route.
    case ownRecordOnly(ScopeSet)

    /// Whether a caller must present a token: every such route answers for one caller only.
    var needsToken: Bool {
        if case .public = self { return false }
        return true
    }

    /// The scopes required for a caller acting on `target` (nil when no record is named or the route is public).
    func requiredScopes(callerEmpNo: Int64, target: Int64?) -> ScopeSet? {
        switch self {
        case .public, .authenticated: nil
        case .scopes(let scopes): scopes
        case .ownRecordOr(let own, let any): target == callerEmpNo ? own : any
        case .ownRecordOnly(let scopes): scopes
        }
    }
}

/// What the router hands over for a matched path: the operation, its access rule and its handler.
struct Route: Sendable {
    typealias Handler = @Sendable (APIRequest) async throws -> HTTPResponse

    /// A stable name for logs, metrics and the OpenAPI document.
    let operationID: String
    let summary: String
    let access: Access
    let handler: Handler
    /// The operation's HTML twin, a page of the web console: answered instead of `handler` when a browser asks for
    /// `text/html` (see `PageMiddleware`). Same path, same access declaration, same services underneath.
    var page: Handler? = nil
    /// A console page with no JSON twin (the login form, the home page): always HTML, and not an API operation.
    var isPageOnly = false

    /// A console page with no JSON twin.
    static func page(operationID: String, summary: String, access: Access, _ handler: @escaping Handler) -> Route {
        Route(operationID: operationID, summary: summary, access: access, handler: handler, page: handler, isPageOnly: true)
    }
}

/// The authenticated caller, as the authentication middleware established it.
struct Principal: Sendable, Hashable {
    let empNo: Int64
    /// The token's scopes intersected with the principal's current scopes (both closed under implication).
    let scopes: ScopeSet
    let tokenID: String
    let clientID: String

    var subject: String { "employee:\(empNo)" }
}

enum PrincipalKey: HTTPContextKey {
    typealias Value = Principal
}

/// A request as a handler sees it: the HTTP request and the caller, if the route needs one.
struct APIRequest: Sendable {
    let http: HTTPRequest
    let principal: Principal?

    /// The caller; routes that are not public always have one.
    var caller: Principal {
        get throws(HTTPError) {
            guard let principal else { throw HTTPError(.unauthorized) }
            return principal
        }
    }

    /// The actor recorded on the events of a command made by this request.
    func actor() throws(HTTPError) -> Actor {
        let caller = try caller
        let key = http.headers["Idempotency-Key"]
        return Actor(
            principal: caller.subject, scopes: caller.scopes.scopes.map(\.rawValue), requestID: http.requestID,
            idempotencyKey: key)
    }
}

/// One registered operation, as the authorization matrix and the OpenAPI document list them.
struct RegisteredRoute: Sendable {
    let method: HTTPMethod
    let pattern: String
    let route: Route
}

/// Collects routes at start-up; `build()` freezes them into the immutable router every connection shares.
struct RouteTable {
    private var builder = RouterBuilder<Route>()
    private(set) var registered: [RegisteredRoute] = []
    /// The console's page-only routes: served by the same router, but not API operations (not in the OpenAPI
    /// document, not in `registered`).
    private(set) var pages: [RegisteredRoute] = []

    mutating func add(_ method: HTTPMethod, _ pattern: String, _ route: Route) throws(RouterError) {
        try builder.add(method, pattern, route)
        registered.append(RegisteredRoute(method: method, pattern: pattern, route: route))
    }

    mutating func addPage(_ method: HTTPMethod, _ pattern: String, _ route: Route) throws(RouterError) {
        try builder.add(method, pattern, route)
        pages.append(RegisteredRoute(method: method, pattern: pattern, route: route))
    }

    func build() -> Router<Route> {
        builder.build()
    }
}
