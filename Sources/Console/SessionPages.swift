import Accounts
import Foundation
import HTTP
import Operations
import Security

/// Signing in and out, and the home page. Signing in is the token endpoint's own operation (`POST /auth/token`,
/// the same handler, throttle and security log) whose access token becomes the session cookie; signing out is the
/// revocation endpoint's operation on that token.
struct SessionPages: Sendable {
    let context: APIContext
    let settings: ConsoleSettings
    let issueToken: Route.Handler
    let revokeToken: Route.Handler

    // MARK: Login

    func loginForm(_ request: APIRequest) async throws -> HTTPResponse {
        if request.principal != nil { return Page.redirect(to: "/auth/home") }
        let state = request.http.query["state"].flatMap(Int.init).flatMap(LoginState.init(rawValue:))
        var content: [HTML] = []
        if let state {
            content.append(
                .element(
                    "p", [.class(state.isError ? "notice error" : "notice"), HTMLAttribute("role", "status")],
                    [.text(state.message)]))
        }
        content.append(
            .element(
                "form", [HTMLAttribute("method", "post"), .action("/auth/login"), .class("card narrow")],
                [
                    FormField(name: "username", label: "Email", kind: .email, autocomplete: "username").html,
                    FormField(name: "password", label: "Password", kind: .password, autocomplete: "current-password").html,
                    .element("button", [HTMLAttribute("type", "submit"), .class("primary")], [.text("Log in")]),
                ]))
        return Page(title: "Log in", session: nil, content: content, isPersonal: false).response
    }

    func login(_ request: APIRequest) async throws -> HTTPResponse {
        let form = try? URLEncodedForm(parsing: request.http.body)
        guard let username = form?["username"], !username.isEmpty, let password = form?["password"], !password.isEmpty else {
            return Page.redirect(to: LoginState.incorrectCredentials.path)
        }
        let tokenRequest = try Self.formRequest(
            "/auth/token", [("grant_type", "password"), ("username", username), ("password", password)], like: request.http)
        let answer: HTTPResponse
        do {
            answer = try await issueToken(APIRequest(http: tokenRequest, principal: nil))
        } catch let error as OAuthError {
            return Page.redirect(to: (error.code == .slowDown ? LoginState.tooManyAttempts : .incorrectCredentials).path)
        }
        guard case .bytes(let body) = answer.body,
            let grant = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
            let accessToken = grant["access_token"] as? String, let lifetime = grant["expires_in"] as? Int
        else { throw HTTPError(.internalServerError) }
        // The session is the access token alone: the refresh token the grant also issued is given up at once, so no
        // credential outlives the session unseen.
        if let refreshToken = grant["refresh_token"] as? String {
            _ = try await revokeToken(
                APIRequest(
                    http: try Self.formRequest("/auth/revoke", [("token", refreshToken)], like: request.http), principal: nil))
        }
        return Page.redirect(
            to: "/auth/home",
            headers: ["Set-Cookie": SessionCookie.setCookie(accessToken, maxAgeSeconds: lifetime, settings: settings)])
    }

    func logout(_ request: APIRequest) async throws -> HTTPResponse {
        if let token = SessionCookie.token(in: request.http) {
            _ = try await revokeToken(
                APIRequest(http: try Self.formRequest("/auth/revoke", [("token", token)], like: request.http), principal: nil))
        }
        // Clear-Site-Data also drops the pages the browser kept for its back button (bfcache), so "back" after
        // logging out asks the service again, which answers with the login form.
        return Page.redirect(
            to: LoginState.loggedOut.path,
            headers: ["Set-Cookie": SessionCookie.clearCookie(settings: settings), "Clear-Site-Data": "\"cache\""])
    }

    /// A form request to an OAuth endpoint on behalf of the browser's request (same client address and request id,
    /// so the throttle and the security log see the person, not the console).
    static func formRequest(_ path: String, _ fields: [(String, String)], like original: HTTPRequest) throws(HTTPError)
        -> HTTPRequest
    {
        let body = fields.map { "\(FormEncoding.encode($0.0))=\(FormEncoding.encode($0.1))" }.joined(separator: "&")
        return try HTTPRequest(
            method: .POST, target: path, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(body.utf8),
            remoteAddress: original.remoteAddress, requestID: original.requestID)
    }

    // MARK: Home

    /// The original's buttons, each enabled by a scope; one the scopes do not allow is shown disabled, not hidden.
    static func buttons(empNo: Int64) -> [(label: String, path: String, scope: Scope)] {
        [
            ("My record", "/emp/own-get-update/\(empNo)", .userRead),
            ("Edit my record", "/emp/own-get-update/\(empNo)#edit", .userWrite),
            ("Search employees", "/emp/search", .adminRead),
            ("New employee", "/emp/new", .adminWrite),
            ("Event log", "/ui/events", .auditRead),
            ("Security log", "/ui/security-log", .auditRead),
        ]
    }

    func home(_ request: APIRequest) async throws -> HTTPResponse {
        let caller = try request.caller
        let record = try await context.queries.employee(Int(caller.empNo))
        let name = record.map { "\($0.firstName) \($0.lastName)" } ?? "Employee"
        let buttons: [HTML] = Self.buttons(empNo: caller.empNo).map { button in
            caller.scopes.satisfies(button.scope)
                ? .element(
                    "a", [.class("button"), .href(button.path), HTMLAttribute("data-scope", button.scope.rawValue)],
                    [.text(button.label)])
                : .element(
                    "span",
                    [
                        .class("button disabled"), HTMLAttribute("aria-disabled", "true"),
                        HTMLAttribute("data-scope", button.scope.rawValue),
                        HTMLAttribute("title", "Needs the \(button.scope.rawValue) scope"),
                    ],
                    [.text(button.label)])
        }
        let scopes = caller.scopes.scopes.map(\.rawValue)
        let content: [HTML] = [
            .element(
                "section", [.class("card")],
                [
                    .element(
                        "p", [.class("lead")],
                        [.text(name), .element("span", [.class("muted")], [.text(" · employee \(caller.empNo)")])]),
                    .element(
                        "p", [],
                        [.text("Scopes: ")]
                            + (scopes.isEmpty
                                ? [.element("em", [], [.text("none")])]
                                : scopes.map { .element("span", [.class("tag")], [.text($0)]) })),
                ]),
            .element("nav", [.class("buttons"), HTMLAttribute("aria-label", "What you can do")], buttons),
        ]
        return Page(title: "Home", session: PageSession(request), content: content).response
    }
}
