import HTTP
import Operations
import Records

/// The console's side of every request, just inside the compatibility envelope and outside authentication.
///
/// Decides whether a request is for a page: a page-only route, or a route with an HTML twin asked for by a browser
/// (`Accept: text/html`, unless the original's `x-expected-format` header asks for JSON). API clients keep
/// getting exactly the JSON they got before, and the session cookie is never looked at for them.
///
/// For a page that changes state it checks, before any handler runs, that the form comes from one of our pages:
/// `Origin` (or `Referer`) must name this host, and a request carrying the session cookie must carry the session's
/// CSRF token. It then turns problems into pages (a missing or expired session is a `303` to the login form), and
/// puts the browser security headers on every page.
package struct PageMiddleware: HTTPMiddleware {
    package typealias Route = Operations.Route

    let settings: ConsoleSettings

    package init(settings: ConsoleSettings) {
        self.settings = settings
    }

    /// Scripts, styles, images, fonts and forms from this origin only; no inline script or style; never framed.
    static let contentSecurityPolicy =
        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

    package func handle(_ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>) async throws
        -> HTTPResponse
    {
        guard let route = context.route else {
            let response = try await next(request, context)
            return Self.wantsHTML(request) ? finish(response, request) : response
        }
        guard route.isPageOnly || (route.page != nil && Self.wantsHTML(request)) else { return try await next(request, context) }
        if request.method != .GET && request.method != .HEAD, let refusal = Self.forgeryRefusal(request, route: route) {
            return finish(refusal, request)
        }
        var context = context
        context[PageRequestKey.self] = true
        var request = request
        if request.headers[ConsistencyToken.header] == nil, let remembered = ConsistencyCookie.token(in: request) {
            request.headers.set(ConsistencyToken.header, remembered)
        }
        var response = try await next(request, context)
        if let token = response.headers[ConsistencyToken.header] {
            response.headers.add("Set-Cookie", ConsistencyCookie.setCookie(token, settings: settings))
        }
        return finish(response, request)
    }

    /// Content negotiation as the original system did it: its `x-expected-format` header wins; otherwise a browser
    /// says `text/html` in `Accept`; no `Accept` at all means JSON.
    static func wantsHTML(_ request: HTTPRequest) -> Bool {
        if let expected = request.headers["x-expected-format"] { return mentionsHTML(expected) }
        return request.headers.values("Accept").contains(where: mentionsHTML)
    }

    private static let html = Array("text/html".utf8)

    /// Whether a header value names `text/html` (any case), compared as bytes: this runs for every request to a
    /// route with an HTML twin, JSON clients included.
    private static func mentionsHTML(_ value: String) -> Bool {
        let lowered = value.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        guard lowered.count >= html.count else { return false }
        return (0...(lowered.count - html.count)).contains { lowered[$0..<($0 + html.count)].elementsEqual(html) }
    }

    /// Nil when the form may go on; otherwise the 403 page. Checked before authentication and the command.
    static func forgeryRefusal(_ request: HTTPRequest, route: Route) -> HTTPResponse? {
        guard isSameOrigin(request) else {
            return ErrorPages.forbidden(
                "This form was sent from another site, so it was refused. Open the page here and send it again.")
        }
        // Only a request that carries the session cookie can be forged by another site; a bearer token is never
        // sent by a browser on its own, and the login form has no session yet (its defence is the origin check).
        if case .public = route.access { return nil }
        guard request.headers["Authorization"] == nil, let session = SessionCookie.token(in: request) else { return nil }
        let form = try? URLEncodedForm(parsing: request.body)
        guard SessionCookie.isValidCSRF(form?[SessionCookie.csrfField], session: session) else {
            return ErrorPages.forbidden("This form has expired or did not come from this site. Reload the page and try again.")
        }
        return nil
    }

    /// `Origin` must be this host; without it, `Referer` must be (browsers send one of them with a form). A request
    /// with neither is left to the CSRF token.
    static func isSameOrigin(_ request: HTTPRequest) -> Bool {
        guard let host = request.headers["Host"]?.lowercased() else { return false }
        if let origin = request.headers["Origin"] { return authority(of: origin) == host }
        if let referer = request.headers["Referer"] { return authority(of: referer) == host }
        return true
    }

    /// `host[:port]` of an `http` or `https` URL; nil for anything else (including the opaque origin `null`).
    static func authority(of url: String) -> String? {
        let lowered = url.lowercased()
        let rest: Substring
        if lowered.hasPrefix("http://") {
            rest = lowered.dropFirst(7)
        } else if lowered.hasPrefix("https://") {
            rest = lowered.dropFirst(8)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return authority.isEmpty ? nil : String(authority)
    }

    /// Problems become pages, and every page gets the browser security headers.
    func finish(_ response: HTTPResponse, _ request: HTTPRequest) -> HTTPResponse {
        var response = response
        if response.headers["Content-Type"] == "application/problem+json" {
            response = ErrorPages.page(for: response, settings: settings)
        }
        response.headers.set("Content-Security-Policy", Self.contentSecurityPolicy)
        response.headers.set("X-Frame-Options", "DENY")
        response.headers.set("X-Content-Type-Options", "nosniff")
        response.headers.set("Referrer-Policy", "same-origin")
        response.headers.set("Vary", "Accept, Cookie")
        return response
    }
}
