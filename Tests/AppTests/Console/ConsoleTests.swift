import Employees
import Foundation
import HTTP
import Security
import TestSupport
import XCTest

@testable import Accounts
@testable import App
@testable import Console
@testable import Operations
@testable import Records

/// The web console over a real socket, without a browser: negotiation, the cookie's attributes and reach, CSRF and
/// origin checks, headers, the session's end, and every page route's access declaration.
final class ConsoleTests: XCTestCase {
    private var harness: ServiceHarness!
    private var client: HTTPTestClient { harness.client }

    override func setUp() async throws {
        harness = try await ServiceHarness.start()
    }

    override func tearDown() async throws {
        await harness?.stop()
    }

    static let strongPassword = "Qv8-tundra-Plaxo-47-ember"

    /// An employee with a password and these scopes, signed in through the login form: their cookie.
    private func signIn(_ email: String, scopes: [Scope]) async throws -> (empNo: Int, cookie: String) {
        let hash = try PasswordHasher().hash(Self.strongPassword)
        let empNo = try await harness.makeEmployee(email: email, scopes: scopes, passwordHash: hash)
        let response = try await client.form(
            "/auth/login", [("username", email), ("password", Self.strongPassword)], headers: [("Origin", origin)])
        XCTAssertEqual(response.status, 303)
        XCTAssertEqual(response.header("Location"), "/auth/home")
        let setCookie = try XCTUnwrap(response.header("Set-Cookie"))
        return (empNo, String(setCookie.prefix { $0 != ";" }))
    }

    private var origin: String { "http://127.0.0.1:\(client.port)" }

    private func page(_ path: String, cookie: String?) async throws -> HTTPTestResponse {
        var headers = [("Accept", "text/html")]
        if let cookie { headers.append(("Cookie", cookie)) }
        return try await client.send("GET", path, headers: headers)
    }

    private func csrf(in page: HTTPTestResponse) throws -> String {
        let text = page.text
        let marker = "name=\"csrf_token\" value=\""
        let start = try XCTUnwrap(text.range(of: marker)).upperBound
        return String(text[start...].prefix { $0 != "\"" })
    }

    func testTheSessionCookieIsHttpOnlyStrictAndScopedToTheWholeSite() async throws {
        let hash = try PasswordHasher().hash(Self.strongPassword)
        try await harness.makeEmployee(email: "cookie@example.com", passwordHash: hash)
        let response = try await client.form(
            "/auth/login", [("username", "cookie@example.com"), ("password", Self.strongPassword)])
        let cookie = try XCTUnwrap(response.header("Set-Cookie"))
        XCTAssertTrue(cookie.hasPrefix("employees_session=ey"), cookie)
        for attribute in ["Path=/", "HttpOnly", "SameSite=Strict", "Max-Age="] {
            XCTAssertTrue(cookie.contains(attribute), "\(attribute) in \(cookie)")
        }
        XCTAssertFalse(cookie.contains("Secure"), "no TLS here, so no Secure")
        XCTAssertEqual(
            SessionCookie.setCookie("t", maxAgeSeconds: 5, settings: ConsoleSettings(secureCookie: true)),
            "employees_session=t; Path=/; Max-Age=5; HttpOnly; SameSite=Strict; Secure")
        let wrong = try await client.form("/auth/login", [("username", "cookie@example.com"), ("password", "wrong")])
        XCTAssertEqual(wrong.status, 303)
        XCTAssertEqual(wrong.header("Location"), "/auth/login?state=1")
        XCTAssertNil(wrong.header("Set-Cookie"))
    }

    func testPagesCarryTheBrowserSecurityHeaders() async throws {
        let (empNo, cookie) = try await signIn("headers@example.com", scopes: [.userRead])
        for path in ["/", "/auth/login?state=2", "/auth/home", "/emp/own-get-update/\(empNo)", "/emp/search", "/nope"] {
            let response = try await page(path, cookie: cookie)
            let policy = try XCTUnwrap(response.header("Content-Security-Policy"), path)
            XCTAssertTrue(policy.contains("default-src 'self'"), path)
            XCTAssertFalse(policy.contains("unsafe-inline"), path)
            XCTAssertEqual(response.header("X-Frame-Options"), "DENY", path)
            XCTAssertEqual(response.header("X-Content-Type-Options"), "nosniff", path)
            XCTAssertEqual(response.header("Referrer-Policy"), "same-origin", path)
        }
        for path in ["/auth/home", "/emp/own-get-update/\(empNo)"] {
            let response = try await page(path, cookie: cookie)
            XCTAssertEqual(response.status, 200, path)
            XCTAssertEqual(response.header("Cache-Control"), "no-store", path)
            XCTAssertEqual(response.header("Content-Type"), "text/html; charset=utf-8", path)
        }
        let refused = try await page("/emp/search", cookie: cookie)
        XCTAssertEqual(refused.status, 403)
        XCTAssertTrue(refused.text.contains("Not enough permissions"))
        XCTAssertTrue(refused.text.contains("href=\"/auth/home\""))
        let style = try await client.send("GET", ConsoleRoutes.stylesheetPath)
        XCTAssertEqual(style.status, 200)
        XCTAssertEqual(style.header("Content-Type"), "text/css; charset=utf-8")
    }

    func testTheOriginalsPathsStillAnswerJSONToAPIClientsAndNeverAcceptTheCookie() async throws {
        let (empNo, cookie) = try await signIn("negotiation@example.com", scopes: [.userRead])
        let token = try harness.token(for: empNo, scopes: [.userRead])
        let path = "/emp/own-get-update/\(empNo)"
        for headers in [
            [("Authorization", "Bearer \(token)")], [("Authorization", "Bearer \(token)"), ("Accept", "application/json")],
            [("Authorization", "Bearer \(token)"), ("Accept", "text/html"), ("x-expected-format", "application/json")],
        ] {
            let response = try await client.send("GET", path, headers: headers)
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.header("Content-Type"), "application/json")
            XCTAssertEqual((response.json["status"] as? [String: Any])?["text"] as? String, CompatibilityText.retrieved)
        }
        let html = try await client.send("GET", path, headers: [("Authorization", "Bearer \(token)"), ("Accept", "text/html")])
        XCTAssertEqual(html.header("Content-Type"), "text/html; charset=utf-8")
        for (apiPath, accept) in [
            (path, "application/json"), ("/employees/\(empNo)", "application/json"), ("/employees/\(empNo)", "text/html"),
            ("/api/me", "text/html"),
        ] {
            let response = try await client.send("GET", apiPath, headers: [("Cookie", cookie), ("Accept", accept)])
            XCTAssertEqual(response.status, 401, "\(apiPath) with \(accept) must not accept the cookie")
        }
    }

    func testAFormWithoutItsTokenOrFromAnotherOriginIsRefusedBeforeTheCommand() async throws {
        let (_, cookie) = try await signIn("csrf@example.com", scopes: [.adminWrite])
        let target = try await harness.makeEmployee(email: "target@example.com")
        let form = try await page("/emp/admin-get-update/\(target)", cookie: cookie)
        let token = try csrf(in: form)
        let fields = [
            ("empNo", String(target)), ("firstName", "Changed"), ("lastName", "Facello"), ("birthDate", "02/09/1953"),
            ("gender", "M"), ("hireDate", "26/06/1986"),
        ]
        let before = try await harness.service.context.queries.employee(target)
        let attempts: [(fields: [(String, String)], headers: [(String, String)])] = [
            (fields, [("Origin", origin)]),
            // One character changed (a token may itself begin with "x").
            (fields + [("csrf_token", (token.first == "x" ? "y" : "x") + token.dropFirst())], [("Origin", origin)]),
            (fields + [("csrf_token", token)], [("Origin", "http://evil.example")]),
            (fields + [("csrf_token", token)], [("Origin", "null")]),
            (fields + [("csrf_token", token)], [("Referer", "http://evil.example/page")]),
        ]
        for attempt in attempts {
            let response = try await client.form(
                "/emp/admin-save", attempt.fields,
                headers: attempt.headers + [("Cookie", cookie), ("Accept", "text/html")])
            XCTAssertEqual(response.status, 403, "\(attempt.headers)")
            XCTAssertTrue(response.text.contains("Not enough permissions"))
        }
        let after = try await harness.service.context.queries.employee(target)
        XCTAssertEqual(after?.version, before?.version, "nothing was appended")
        let accepted = try await client.form(
            "/emp/admin-save", fields + [("csrf_token", token)],
            headers: [("Origin", origin), ("Cookie", cookie), ("Accept", "text/html")])
        XCTAssertEqual(accepted.status, 303)
        XCTAssertEqual(accepted.header("Location"), "/emp/admin-get-update/\(target)?saved=1")
        let saved = try await harness.service.context.queries.employee(target)
        XCTAssertEqual(saved?.firstName, "Changed")
    }

    func testTheSessionEndsWithItsTokenWithinASecond() async throws {
        let (empNo, cookie) = try await signIn("revoked@example.com", scopes: [.adminRead])
        let number = try XCTUnwrap(EmployeeNumber(empNo))
        let search = try await page("/emp/search", cookie: cookie)
        XCTAssertEqual(search.status, 200)
        _ = try await harness.service.context.commands.execute(.revokeScope(Scope.adminRead.rawValue), on: number, by: .system())
        let refused = await eventually(timeout: .seconds(1)) {
            (try? await self.page("/emp/search", cookie: cookie).status) == 403
        }
        XCTAssertTrue(refused, "a revoked scope bites within a second")
        _ = try await harness.service.context.commands.execute(.disable, on: number, by: .system())
        let ended = await eventually(timeout: .seconds(1)) {
            (try? await self.page("/auth/home", cookie: cookie).header("Location")) == "/auth/login?state=2"
        }
        XCTAssertTrue(ended, "a disabled employee's session ends within a second")
        let home = try await page("/auth/home", cookie: cookie)
        XCTAssertEqual(home.status, 303)
        XCTAssertTrue(home.header("Set-Cookie")?.hasPrefix("employees_session=;") == true, "the dead cookie is cleared")
    }

    func testAPasswordChangeEndsTheBrowserSessionWithinASecond() async throws {
        let (empNo, cookie) = try await signIn("password-change@example.com", scopes: [.userWrite])
        let before = try await page("/auth/home", cookie: cookie)
        XCTAssertEqual(before.status, 200)
        let token = try harness.token(for: empNo, scopes: [.userWrite])
        let changed = try await client.json(
            "PUT", "/employees/\(empNo)/password", token: token,
            body: ["current_password": Self.strongPassword, "new_password": "Another-Quiet-Harbor-93"])
        XCTAssertEqual(changed.status, 204, changed.text)
        let ended = await eventually(timeout: .seconds(1)) {
            (try? await self.page("/auth/home", cookie: cookie).header("Location")) == "/auth/login?state=2"
        }
        XCTAssertTrue(ended, "a password change ends the browser's session within a second")
    }

    func testLogoutRevokesTheSessionsToken() async throws {
        let (_, cookie) = try await signIn("logout@example.com", scopes: [.userRead])
        let home = try await page("/auth/home", cookie: cookie)
        let token = try csrf(in: home)
        let out = try await client.form(
            "/auth/logout", [("csrf_token", token)], headers: [("Cookie", cookie), ("Origin", origin)])
        XCTAssertEqual(out.status, 303)
        XCTAssertEqual(out.header("Location"), "/auth/login?state=3")
        XCTAssertTrue(out.header("Set-Cookie")?.contains("Max-Age=0") == true)
        let after = try await page("/auth/home", cookie: cookie)
        XCTAssertEqual(after.status, 303, "the old cookie is dead even if a browser kept it")
        XCTAssertEqual(after.header("Location"), "/auth/login?state=2")
    }

    /// Every page-only route, for a caller without a session and for one without the route's scopes.
    func testEveryPageAnswersAsItsAccessDeclarationSays() async throws {
        let (empNo, cookie) = try await signIn("pages@example.com", scopes: [])
        let pages = harness.service.pages
        XCTAssertGreaterThanOrEqual(pages.count, 10)
        for registered in pages {
            let path = AuthorizationMatrixTests.concretePath(registered.pattern, empNo: empNo)
            let method = registered.method.rawValue
            let headers = [("Accept", "text/html"), ("Origin", origin)]
            let anonymous = try await client.send(method, path, headers: headers)
            let scopeless = try await client.send(method, path, headers: headers + [("Cookie", cookie)])
            let label = "\(method) \(registered.pattern)"
            switch registered.route.access {
            case .public:
                XCTAssertLessThan(anonymous.status, 400, label)
            case .authenticated:
                XCTAssertEqual(anonymous.status, 303, label)
                XCTAssertEqual(anonymous.header("Location"), "/auth/login?state=2", label)
                if method == "GET" { XCTAssertEqual(scopeless.status, 200, label) }
            case .scopes, .ownRecordOnly, .ownRecordOr:
                XCTAssertEqual(anonymous.status, 303, label)
                XCTAssertEqual(scopeless.status, 403, label)
            }
        }
    }

    func testTheHTMLWriterEscapesTextAndAttributes() {
        let tree = HTML.element(
            "p", [.class("a\"b<c>&'"), .href("javascript:alert(1)")], [.text("<script>alert(1)</script> & \"x\" 'y'")])
        var bytes: [UInt8] = []
        tree.write(into: &bytes)
        XCTAssertEqual(
            String(decoding: bytes, as: UTF8.self),
            "<p class=\"a&quot;b&lt;c&gt;&amp;&#39;\" href=\"/\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;</p>"
        )
        XCTAssertEqual(LocalPath.sanitized("//evil.example/x"), "/")
        XCTAssertEqual(LocalPath.sanitized("/\\evil.example"), "/")
        XCTAssertEqual(LocalPath.sanitized("/emp/search/%25a%25/%25"), "/emp/search/%25a%25/%25")
    }

    func testNegotiationCookiesAndDatesAreReadAsTheBrowserSendsThem() throws {
        func request(_ headers: HTTPHeaders) throws -> HTTPRequest {
            try HTTPRequest(method: .GET, target: "/", headers: headers)
        }
        XCTAssertTrue(PageMiddleware.wantsHTML(try request(["Accept": "TEXT/HTML,application/xhtml+xml;q=0.9"])))
        XCTAssertFalse(PageMiddleware.wantsHTML(try request(["Accept": "application/json"])))
        XCTAssertFalse(PageMiddleware.wantsHTML(try request([:])))
        XCTAssertFalse(PageMiddleware.wantsHTML(try request(["Accept": "text/html", "x-expected-format": "application/json"])))
        XCTAssertEqual(SessionCookie.token(in: try request(["Cookie": "a=1;  employees_session=tok.en; b=2"])), "tok.en")
        XCTAssertNil(SessionCookie.token(in: try request(["Cookie": "xemployees_session=t; employees_session="])))
        XCTAssertEqual(CompatibilityDate.dayMonthYear(iso: "1953-09-02"), "02/09/1953")
        XCTAssertEqual(CompatibilityDate.dayMonthYear(iso: "not a date"), "not a date")
    }
}
