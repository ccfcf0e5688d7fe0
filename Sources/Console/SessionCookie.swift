import Crypto
import HTTP

/// The browser session: a cookie holding the access token itself, and the CSRF token derived from it.
///
/// Why the token and not an opaque session id: the token already is a session the service knows how to end. Its
/// signature, expiry, revocation list and the principal table (revoked scopes, a disabled employee, a password
/// change) are checked on every request exactly as for a bearer token, on every instance, without a session table
/// or a query. The cookie is `HttpOnly` (page scripts cannot read it), `SameSite=Strict` (another site's pages
/// cannot make the browser send it), `Path=/`, and `Secure` when the service is reached over TLS.
///
/// The CSRF token is an HMAC of a fixed label keyed by the session's token: bound to the session, the same on
/// every instance, and impossible to compute for a page that cannot read the cookie.
package enum SessionCookie {
    static let name = "employees_session"
    static let csrfField = "csrf_token"
    private static let csrfLabel = Array("employees console csrf v1".utf8)

    /// The session token of the request's `Cookie` header(s), if any.
    package static func token(in request: HTTPRequest) -> String? {
        cookie(named: name, in: request)
    }

    /// The first non-empty value of cookie `name` in the request's `Cookie` header(s). Works on the bytes: this runs
    /// for every page request, twice (authentication and the page's CSRF token).
    static func cookie(named name: String, in request: HTTPRequest) -> String? {
        let prefix = Array("\(name)=".utf8)
        for header in request.headers.values("Cookie") {
            for pair in header.utf8.split(separator: UInt8(ascii: ";")) {
                var pair = pair[...]
                while pair.first == UInt8(ascii: " ") || pair.first == UInt8(ascii: "\t") { pair.removeFirst() }
                guard pair.starts(with: prefix) else { continue }
                let value = pair.dropFirst(prefix.count)
                if !value.isEmpty { return String(decoding: value, as: UTF8.self) }
            }
        }
        return nil
    }

    static func setCookie(_ token: String, maxAgeSeconds: Int, settings: ConsoleSettings) -> String {
        "\(name)=\(token); Path=/; Max-Age=\(maxAgeSeconds); HttpOnly; SameSite=Strict\(settings.secureCookie ? "; Secure" : "")"
    }

    static func clearCookie(settings: ConsoleSettings) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict\(settings.secureCookie ? "; Secure" : "")"
    }

    static func csrfToken(forSession token: String) -> String {
        Base64URL.encode(HMAC.sha256(key: Array(token.utf8), message: csrfLabel))
    }

    /// Whether `presented` is the CSRF token of the session `token`, compared in constant time.
    static func isValidCSRF(_ presented: String?, session token: String) -> Bool {
        guard let presented else { return false }
        return constantTimeEquals(Array(presented.utf8), Array(csrfToken(forSession: token).utf8))
    }
}
