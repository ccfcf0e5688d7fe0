import Employees
import HTTP
import Records
import Security

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
