import HTTP
import Operations
import Records

/// Marks a request as one for a console page: set by `PageMiddleware`, read by the authentication middleware (only
/// pages accept the session cookie) and by `APIRoutes.respond` (which answers with the route's HTML twin).
package enum PageRequestKey: HTTPContextKey {
    package typealias Value = Bool
}
