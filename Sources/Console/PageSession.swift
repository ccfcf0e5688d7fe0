import HTTP
import Operations

/// The signed-in user as the layout and the forms need them: who, and the CSRF token every form carries.
struct PageSession {
    let empNo: Int64
    let csrfToken: String

    /// Nil when the request has no principal. A request authenticated by a bearer token (a script, not a browser)
    /// gets forms without a CSRF token; a browser always comes with its cookie.
    init?(_ request: APIRequest) {
        guard let principal = request.principal else { return nil }
        empNo = principal.empNo
        csrfToken = SessionCookie.token(in: request.http).map(SessionCookie.csrfToken(forSession:)) ?? ""
    }

    var csrfInput: HTML {
        .void("input", [HTMLAttribute("type", "hidden"), .name(SessionCookie.csrfField), HTMLAttribute("value", csrfToken)])
    }
}
