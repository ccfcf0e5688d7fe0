import Employees
import HTTP
import Records
import Security

/// Who may call a route. Declared where the route is registered, checked by `AuthenticationMiddleware` before the
/// handler runs, so no command is decided and no event appended for a caller who lacks the scopes.
package enum Access: Sendable {
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
    package var needsToken: Bool {
        if case .public = self { return false }
        return true
    }

    /// The scopes required for a caller acting on `target` (nil when no record is named or the route is public).
    package func requiredScopes(callerEmpNo: Int64, target: Int64?) -> ScopeSet? {
        switch self {
        case .public, .authenticated: nil
        case .scopes(let scopes): scopes
        case .ownRecordOr(let own, let any): target == callerEmpNo ? own : any
        case .ownRecordOnly(let scopes): scopes
        }
    }
}

/// What the router hands over for a matched path: the operation, its access rule and its handler.
package struct Route: Sendable {
    package typealias Handler = @Sendable (APIRequest) async throws -> HTTPResponse

    /// A stable name for logs, metrics and the OpenAPI document.
    package let operationID: String
    package let summary: String
    package let access: Access
    package let handler: Handler
    /// The operation's HTML twin, a page of the web console: answered instead of `handler` when a browser asks for
    /// `text/html` (see `PageMiddleware`). Same path, same access declaration, same services underneath.
    package var page: Handler? = nil
    /// A console page with no JSON twin (the login form, the home page): always HTML, and not an API operation.
    package var isPageOnly = false

    package init(
        operationID: String, summary: String, access: Access, handler: @escaping Handler, page: Handler? = nil,
        isPageOnly: Bool = false
    ) {
        self.operationID = operationID
        self.summary = summary
        self.access = access
        self.handler = handler
        self.page = page
        self.isPageOnly = isPageOnly
    }

    /// A console page with no JSON twin.
    package static func page(operationID: String, summary: String, access: Access, _ handler: @escaping Handler) -> Route {
        Route(operationID: operationID, summary: summary, access: access, handler: handler, page: handler, isPageOnly: true)
    }
}

/// The authenticated caller, as the authentication middleware established it.
package struct Principal: Sendable, Hashable {
    package let empNo: Int64
    /// The token's scopes intersected with the principal's current scopes (both closed under implication).
    package let scopes: ScopeSet
    package let tokenID: String
    package let clientID: String

    package init(empNo: Int64, scopes: ScopeSet, tokenID: String, clientID: String) {
        self.empNo = empNo
        self.scopes = scopes
        self.tokenID = tokenID
        self.clientID = clientID
    }

    package var subject: String { "employee:\(empNo)" }
}

package enum PrincipalKey: HTTPContextKey {
    package typealias Value = Principal
}

/// A request as a handler sees it: the HTTP request and the caller, if the route needs one.
package struct APIRequest: Sendable {
    package let http: HTTPRequest
    package let principal: Principal?

    package init(http: HTTPRequest, principal: Principal?) {
        self.http = http
        self.principal = principal
    }

    /// The caller; routes that are not public always have one.
    package var caller: Principal {
        get throws(HTTPError) {
            guard let principal else { throw HTTPError(.unauthorized) }
            return principal
        }
    }

    /// The `emp_no` path parameter: a positive integer that can name an employee, else a 400 naming the field.
    package func employeeNumber() throws(HTTPError) -> Int {
        guard let empNo = http.pathParameters.int("emp_no"), EmployeeNumber(empNo) != nil else {
            throw HTTPError(.badRequest, fieldErrors: [HTTPFieldError(field: "emp_no", message: "must be a positive integer")])
        }
        return empNo
    }

    /// The actor recorded on the events of a command made by this request.
    package func actor() throws(HTTPError) -> Actor {
        let caller = try caller
        let key = http.headers["Idempotency-Key"]
        return Actor(
            principal: caller.subject, scopes: caller.scopes.scopes.map(\.rawValue), requestID: http.requestID,
            idempotencyKey: key)
    }
}

/// One registered operation, as the authorization matrix and the OpenAPI document list them.
package struct RegisteredRoute: Sendable {
    package let method: HTTPMethod
    package let pattern: String
    package let route: Route

    package init(method: HTTPMethod, pattern: String, route: Route) {
        self.method = method
        self.pattern = pattern
        self.route = route
    }
}

/// Collects routes at start-up; `build()` freezes them into the immutable router every connection shares.
package struct RouteTable {
    private var builder = RouterBuilder<Route>()

    package init() {}
    package private(set) var registered: [RegisteredRoute] = []
    /// The console's page-only routes: served by the same router, but not API operations (not in the OpenAPI
    /// document, not in `registered`).
    package private(set) var pages: [RegisteredRoute] = []

    package mutating func add(_ method: HTTPMethod, _ pattern: String, _ route: Route) throws(RouterError) {
        try builder.add(method, pattern, route)
        registered.append(RegisteredRoute(method: method, pattern: pattern, route: route))
    }

    package mutating func addPage(_ method: HTTPMethod, _ pattern: String, _ route: Route) throws(RouterError) {
        try builder.add(method, pattern, route)
        pages.append(RegisteredRoute(method: method, pattern: pattern, route: route))
    }

    package func build() -> Router<Route> {
        builder.build()
    }
}
