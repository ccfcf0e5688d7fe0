import Employees
import HTTP
import Records
import Security

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
