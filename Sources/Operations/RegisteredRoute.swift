import Employees
import HTTP
import Records
import Security

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
