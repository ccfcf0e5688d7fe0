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
