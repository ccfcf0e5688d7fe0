import Employees
import Foundation
import Postgres
import Security
import TestSupport
import XCTest

@testable import App

/// The token endpoint, refresh rotation, revocation, throttling and the security log, over real sockets.
final class AuthTests: ServiceTestCase {
    static let password = "violet tramway nineteen lanterns"
    /// Fixtures are hashed cheaply (verification reads the parameters from the hash); the service still spends a
    /// current-parameter Argon2id computation on every failure and rehashes after every success.
    static let fixtureHasher = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 1))

    private func makeUser(_ email: String, scopes: [Scope] = [], password: String = AuthTests.password) async throws -> Int {
        try await harness.makeEmployee(email: email, scopes: scopes, passwordHash: try Self.fixtureHasher.hash(password))
    }

    private func login(
        _ username: String, _ password: String = AuthTests.password, scope: String? = nil, path: String = "/auth/token",
        grantType: String? = "password"
    ) async throws -> HTTPTestResponse {
        var fields: [(String, String)] = []
        if let grantType { fields.append(("grant_type", grantType)) }
        fields += [("username", username), ("password", password)]
        if let scope { fields.append(("scope", scope)) }
        return try await client.form(path, fields)
    }

    private func refresh(_ token: String, scope: String? = nil) async throws -> HTTPTestResponse {
        var fields = [("grant_type", "refresh_token"), ("refresh_token", token)]
        if let scope { fields.append(("scope", scope)) }
        return try await client.form("/auth/token", fields)
    }

    private var verifier: AccessTokenVerifier {
        AccessTokenVerifier(keys: harness.service.keys, issuer: EmployeeService.issuer, audience: EmployeeService.audience)
    }

    private func securityLog(kind: String) async throws -> [(
        principal: String?, username: String?, address: String?, reason: String, request: String?
    )] {
        await harness.service.context.securityLog.flush()
        return try await harness.service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT principal, attempted_username, client_address, reason, request_id FROM security_log WHERE kind = \(kind) ORDER BY id"
            ).map {
                (
                    try $0.decode(String?.self, column: 0), try $0.decode(String?.self, column: 1),
                    try $0.decode(String?.self, column: 2),
                    try $0.decode(String.self, column: 3), try $0.decode(String?.self, column: 4)
                )
            }
        }
    }

    /// No password and no token text anywhere in the security log.
    private func assertSecurityLogHolds(none secrets: [String], file: StaticString = #filePath, line: UInt = #line) async throws {
        await harness.service.context.securityLog.flush()
        let rows = try await harness.service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT concat_ws(' ', kind, principal, attempted_username, client_address, reason, request_id) FROM security_log"
            )
            .map { try $0.decode(String.self, column: 0) }
        }
        for secret in secrets {
            XCTAssertFalse(rows.contains { $0.contains(secret) }, "a secret reached the security log", file: file, line: line)
        }
    }

    // MARK: Password grant

    func testPasswordLoginIssuesAVerifiableTokenWithIntersectedScopesAndNoStoreHeaders() async throws {
        let empNo = try await makeUser("login@example.com", scopes: [.userRead, .adminRead])

        let response = try await login("Login@Example.COM", scope: "user:read admin:write")
        XCTAssertEqual(response.status, 200, response.text)
        XCTAssertEqual(response.header("Cache-Control"), "no-store")
        XCTAssertEqual(response.header("Pragma"), "no-cache")
        XCTAssertEqual(response.header("Content-Type"), "application/json")
        let body = response.json
        XCTAssertEqual(body["token_type"] as? String, "bearer")
        XCTAssertEqual(body["expires_in"] as? Int, 1800)
        XCTAssertEqual(body["scope"] as? String, "user:read", "admin:write is not held, so it is not granted")
        let refreshToken = try XCTUnwrap(body["refresh_token"] as? String)
        XCTAssertEqual(refreshToken.count, 43)
        XCTAssertNotNil(RefreshToken.storageHash(of: refreshToken))

        let accessToken = try XCTUnwrap(body["access_token"] as? String)
        let verified = try verifier.verify(accessToken)
        XCTAssertEqual(verified.empNo, Int64(empNo))
        XCTAssertEqual(verified.scopes, [.userRead])
        XCTAssertEqual(verified.clientID, "employees-web")
        let me = try await client.json("GET", "/me", token: accessToken)
        XCTAssertEqual(me.status, 200, me.text)

        let everything = try await login("login@example.com", scope: nil)
        XCTAssertEqual(everything.json["scope"] as? String, "user:read admin:read", "no scope requested: all current scopes")
        let implied = try await login("login@example.com", scope: "user:read")
        XCTAssertEqual(implied.json["scope"] as? String, "user:read")

        let stored = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT count(*), count(DISTINCT family_id) FROM refresh_tokens WHERE emp_no = \(empNo)").first
                .map {
                    (try $0.decode(Int.self, column: 0), try $0.decode(Int.self, column: 1))
                }
        }
        XCTAssertEqual(stored?.0, 3)
        XCTAssertEqual(stored?.1, 3, "every login starts a family")
        let successes = try await securityLog(kind: "login_succeeded")
        XCTAssertEqual(successes.count, 3)
        XCTAssertEqual(successes.first?.principal, "employee:\(empNo)")
        XCTAssertEqual(successes.first?.address, "127.0.0.1")
        XCTAssertNotNil(successes.first?.request)
        try await assertSecurityLogHolds(none: [Self.password, accessToken, refreshToken])
    }

    func testTheOriginalLoginPathWithoutGrantTypeAndWithAClientID() async throws {
        let empNo = try await makeUser("original@example.com", scopes: [.userRead])
        let response = try await client.form(
            "/api/login",
            [("username", "original@example.com"), ("password", Self.password), ("scope", ""), ("client_id", "legacy-ui")])
        XCTAssertEqual(response.status, 200, response.text)
        let verified = try verifier.verify(try XCTUnwrap(response.json["access_token"] as? String))
        XCTAssertEqual(verified.empNo, Int64(empNo))
        XCTAssertEqual(verified.clientID, "legacy-ui")
        XCTAssertEqual(verified.scopes, [.userRead], "an empty scope parameter counts as absent (RFC 6749 §3.1)")
    }

    func testUnknownUserWrongPasswordDisabledAndPasswordlessGetTheSameAnswer() async throws {
        _ = try await makeUser("right@example.com", scopes: [.userRead])
        let disabled = try await makeUser("disabled@example.com", scopes: [.userRead])
        _ = try await harness.service.context.commands.execute(.disable, on: EmployeeNumber(disabled)!, by: .system())
        _ = try await harness.makeEmployee(email: "nopassword@example.com")

        let expected =
            #"{"type":"about:blank","title":"Bad Request","status":400,"detail":"Incorrect username or password","error":"invalid_grant","error_description":"Incorrect username or password"}"#
        let attempts = [
            ("unknown_user", try await login("nobody@example.com")),
            ("bad_password", try await login("right@example.com", "wrong password entirely")),
            ("disabled", try await login("disabled@example.com")),
            ("no_password", try await login("nopassword@example.com", "anything at all")),
            ("unknown_user", try await login(String(repeating: "a", count: 300) + "@example.com")),
        ]
        for (reason, response) in attempts {
            XCTAssertEqual(response.status, 400, reason)
            XCTAssertEqual(response.text, expected, reason)
            XCTAssertEqual(response.header("Content-Type"), "application/problem+json", reason)
            XCTAssertEqual(response.header("Cache-Control"), "no-store", reason)
            XCTAssertNil(response.header("WWW-Authenticate"), reason)
        }
        let failures = try await securityLog(kind: "login_failed")
        XCTAssertEqual(failures.map(\.reason), attempts.map(\.0))
        XCTAssertEqual(
            failures.map(\.username),
            [
                "nobody@example.com", "right@example.com", "disabled@example.com", "nopassword@example.com",
                String(repeating: "a", count: 255),
            ])
        XCTAssertEqual(failures[2].principal, "employee:\(disabled)")
        try await assertSecurityLogHolds(none: [Self.password, "wrong password entirely", "anything at all"])
    }

    func testMalformedTokenRequestsAreInvalidRequestsWithTheirOwnErrors() async throws {
        _ = try await makeUser("form@example.com", scopes: [.userRead])
        func expect(_ response: HTTPTestResponse, _ error: String, _ description: String, line: UInt = #line) {
            XCTAssertEqual(response.status, 400, response.text, line: line)
            XCTAssertEqual(response.json["error"] as? String, error, line: line)
            XCTAssertEqual(response.json["error_description"] as? String, description, line: line)
            XCTAssertEqual(response.json["detail"] as? String, description, line: line)
        }
        expect(
            try await client.form("/auth/token", [("grant_type", "password"), ("password", Self.password)]), "invalid_request",
            "username is required")
        expect(
            try await client.form("/auth/token", [("grant_type", "password"), ("username", "form@example.com")]),
            "invalid_request",
            "password is required")
        expect(
            try await client.form("/auth/token", [("grant_type", "refresh_token")]), "invalid_request",
            "refresh_token is required")
        expect(
            try await login("form@example.com", grantType: "client_credentials"), "unsupported_grant_type",
            "grant_type must be password or refresh_token")
        expect(
            try await login("form@example.com", scope: "user:read everything"), "invalid_scope",
            "scope must be space-separated names of known scopes")
        expect(
            try await login("form@example.com", scope: "user:read  admin:read"), "invalid_scope",
            "scope must be space-separated names of known scopes")
        expect(
            try await client.form(
                "/auth/token", [("username", "form@example.com"), ("username", "other@example.com"), ("password", "x")]),
            "invalid_request", "A parameter appears more than once")
        expect(
            try await client.form(
                "/auth/token", [("username", "form@example.com"), ("password", Self.password), ("client_id", "a b")]),
            "invalid_request", "client_id must be 1 to 64 letters, digits or ._:-")
        expect(
            try await client.json("POST", "/auth/token", body: ["username": "form@example.com", "password": Self.password]),
            "invalid_request", "The body must be application/x-www-form-urlencoded")
        expect(
            try await client.form(
                "/auth/token?password=\(Self.password.replacingOccurrences(of: " ", with: "+"))",
                [("username", "form@example.com")]),
            "invalid_request", "Credentials must be sent in the request body, not the query")
        let wrongMethod = try await client.send("GET", "/auth/token")
        XCTAssertEqual(wrongMethod.status, 405)
    }

    func testALegacyHashIsReplacedByACurrentOneAfterASuccessfulLogin() async throws {
        let legacy = "$argon2id$v=19$m=16,t=2,p=1$cTJhazRqRWRHR3NYbEJ2Zg$z7pMnKzV0eU5eJkdq+hycQ"
        let empNo = try await harness.makeEmployee(email: "legacy@example.com", scopes: [.userRead], passwordHash: legacy)
        func credentials() async throws -> (hash: String, changedAt: Date) {
            try await harness.service.context.pool.withConnection { connection in
                let row = try connection.query("SELECT password_hash, changed_at FROM credentials WHERE emp_no = \(empNo)").first!
                return (try row.decode(String.self, column: 0), try row.decode(Date.self, column: 1))
            }
        }
        let before = try await credentials()
        XCTAssertEqual(before.hash, legacy)

        let wrong = try await login("legacy@example.com", "not the password")
        XCTAssertEqual(wrong.status, 400)
        let unchanged = try await credentials()
        XCTAssertEqual(unchanged.hash, legacy, "a failed login never rewrites the hash")

        let response = try await login("legacy@example.com", "password")
        XCTAssertEqual(response.status, 200, response.text)
        let after = try await credentials()
        XCTAssertTrue(after.hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"), after.hash)
        XCTAssertFalse(PasswordHasher().needsRehash(after.hash))
        XCTAssertTrue(PasswordHasher().verify("password", against: after.hash))
        XCTAssertEqual(after.changedAt, before.changedAt, "a rehash is not a password change: issued tokens stay valid")
        let events = try await harness.service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT count(*) FROM events WHERE stream_id = \("employee-\(empNo)") AND event_type = 'PasswordChanged'"
            )
            .first!.decode(Int.self, column: 0)
        }
        XCTAssertEqual(events, 1, "only the creation's PasswordChanged: the rehash appends no event")
        let accessToken = try XCTUnwrap(response.json["access_token"] as? String)
        let me = try await client.json("GET", "/me", token: accessToken)
        XCTAssertEqual(me.status, 200)
        let again = try await login("legacy@example.com", "password")
        XCTAssertEqual(again.status, 200, "the new hash verifies")
    }

    // MARK: Throttling

    func testTheSixthRapidFailureIsThrottledWithRetryAfterEvenWithTheRightPassword() async throws {
        _ = try await makeUser("target@example.com", scopes: [.userRead])
        for attempt in 1...5 {
            let response = try await login("target@example.com", "guess number \(attempt)")
            XCTAssertEqual(response.status, 400, "attempt \(attempt)")
        }
        let throttled = try await login("TARGET@example.com", "guess number 6")
        XCTAssertEqual(throttled.status, 429, throttled.text)
        let retryAfter = try XCTUnwrap(throttled.header("Retry-After").flatMap(Int.init))
        XCTAssertGreaterThanOrEqual(retryAfter, 1)
        XCTAssertEqual(throttled.json["error"] as? String, "slow_down")
        XCTAssertEqual(throttled.json["error_description"] as? String, "Too many failed login attempts; retry later")
        XCTAssertEqual(throttled.header("Cache-Control"), "no-store")
        let right = try await login("target@example.com")
        XCTAssertEqual(right.status, 429, "while throttled the password is not even checked")

        let failures = try await securityLog(kind: "login_failed")
        XCTAssertEqual(failures.count, 5)
        let lockouts = try await securityLog(kind: "login_throttled")
        XCTAssertEqual(lockouts.count, 2)
        XCTAssertEqual(lockouts.first?.username, "TARGET@example.com")
        XCTAssertEqual(lockouts.first?.reason, "too_many_failures")
        XCTAssertEqual(lockouts.first?.address, "127.0.0.1")

        let other = try await makeUser("bystander@example.com", scopes: [.userRead])
        let unaffected = try await login("bystander@example.com")
        XCTAssertEqual(unaffected.status, 200, "the throttle is per username and address, employee \(other) is not locked out")
    }

    // MARK: Refresh tokens

    func testRefreshRotatesAndReusingASpentTokenRevokesTheWholeFamily() async throws {
        let empNo = try await makeUser("refresh@example.com", scopes: [.userRead, .userWrite])
        let first = try await login("refresh@example.com")
        let spent = try XCTUnwrap(first.json["refresh_token"] as? String)

        let second = try await refresh(spent)
        XCTAssertEqual(second.status, 200, second.text)
        XCTAssertEqual(second.header("Cache-Control"), "no-store")
        let next = try XCTUnwrap(second.json["refresh_token"] as? String)
        XCTAssertNotEqual(next, spent)
        let rotatedAccess = try verifier.verify(try XCTUnwrap(second.json["access_token"] as? String))
        XCTAssertEqual(rotatedAccess.empNo, Int64(empNo))
        XCTAssertEqual(rotatedAccess.scopes, [.userRead, .userWrite])

        let third = try await refresh(next, scope: "user:read")
        XCTAssertEqual(third.status, 200, third.text)
        XCTAssertEqual(third.json["scope"] as? String, "user:read", "a refresh may narrow the scope")
        let latest = try XCTUnwrap(third.json["refresh_token"] as? String)
        let familyAccessTokens = try [first, second, third].map { try XCTUnwrap($0.json["access_token"] as? String) }
        for access in familyAccessTokens {
            let status = try await client.json("GET", "/employees/\(empNo)", token: access).status
            XCTAssertEqual(status, 200, "the family's access tokens work before the reuse")
        }
        let unrelatedLogin = try await login("refresh@example.com")
        let unrelatedAccess = try XCTUnwrap(unrelatedLogin.json["access_token"] as? String)

        let reuse = try await refresh(spent)
        XCTAssertEqual(reuse.status, 400)
        XCTAssertEqual(reuse.json["error"] as? String, "invalid_grant")
        XCTAssertEqual(reuse.json["error_description"] as? String, "The refresh token is invalid, expired or revoked")
        let afterReuse = try await refresh(latest)
        XCTAssertEqual(afterReuse.status, 400, "the unspent newest token of the family died with it")
        XCTAssertEqual(afterReuse.json["error"] as? String, "invalid_grant")
        for access in familyAccessTokens {
            let status = try await client.json("GET", "/employees/\(empNo)", token: access).status
            XCTAssertEqual(status, 401, "a reuse means theft: the access tokens the family issued die with it")
        }
        let unrelatedStatus = try await client.json("GET", "/employees/\(empNo)", token: unrelatedAccess).status
        XCTAssertEqual(unrelatedStatus, 200, "another login's family is untouched")
        let revokedIDs = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT count(*) FROM revoked_access_tokens WHERE emp_no = \(empNo)").first!.decode(
                Int.self, column: 0)
        }
        XCTAssertEqual(revokedIDs, 3, "revoked for every instance, not only this one")

        let spentHash = try XCTUnwrap(RefreshToken.storageHash(of: spent))
        let family = try await harness.service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT count(*), count(revoked_at) FROM refresh_tokens WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = \(spentHash))"
            ).first.map { (try $0.decode(Int.self, column: 0), try $0.decode(Int.self, column: 1)) }
        }
        XCTAssertEqual(family?.0, 3)
        XCTAssertEqual(family?.1, 3)
        let reuses = try await securityLog(kind: "refresh_reuse")
        XCTAssertEqual(reuses.count, 1)
        XCTAssertEqual(reuses.first?.principal, "employee:\(empNo)")
        let refreshes = try await securityLog(kind: "token_refreshed")
        XCTAssertEqual(refreshes.count, 2)
        try await assertSecurityLogHolds(none: [spent, next, latest])

        let junk = try await refresh("not-a-refresh-token")
        XCTAssertEqual(junk.json["error"] as? String, "invalid_grant")
    }

    /// RFC 6749 §5.2: a login none of whose requested scopes is held gets `invalid_scope`, not a token that can do
    /// nothing; one requested scope held is enough for a narrowed token.
    func testALoginRequestingOnlyScopesNotHeldIsInvalidScope() async throws {
        let empNo = try await makeUser("scoped@example.com", scopes: [.adminRead, .adminWrite])
        let refused = try await login("scoped@example.com", scope: "audit:read")
        XCTAssertEqual(refused.status, 400, refused.text)
        XCTAssertEqual(refused.json["error"] as? String, "invalid_scope")
        XCTAssertNil(refused.json["access_token"])
        let twoUnheld = try await login("scoped@example.com", scope: "audit:read scope:grant")
        XCTAssertEqual(twoUnheld.json["error"] as? String, "invalid_scope")
        let partly = try await login("scoped@example.com", scope: "audit:read admin:read")
        XCTAssertEqual(partly.status, 200, partly.text)
        XCTAssertEqual(partly.json["scope"] as? String, "admin:read")
        let wrongPassword = try await login("scoped@example.com", "not the password at all", scope: "audit:read")
        XCTAssertEqual(wrongPassword.json["error"] as? String, "invalid_grant", "the scope is judged only after the password")
        let failures = try await securityLog(kind: "login_failed")
        XCTAssertEqual(
            failures.filter { $0.principal == "employee:\(empNo)" }.map(\.reason),
            ["invalid_scope", "invalid_scope", "bad_password"])
    }

    func testRefreshReintersectsWithCurrentScopesRefusesBroaderScopesAndDisabledEmployees() async throws {
        let empNo = try await makeUser("narrowed@example.com", scopes: [.userRead, .adminRead])
        let number = EmployeeNumber(empNo)!
        let login = try await login("narrowed@example.com", scope: "user:read admin:read")
        var token = try XCTUnwrap(login.json["refresh_token"] as? String)

        let broader = try await refresh(token, scope: "admin:write")
        XCTAssertEqual(broader.status, 400)
        XCTAssertEqual(broader.json["error"] as? String, "invalid_scope")

        _ = try await harness.service.context.commands.execute(.revokeScope(Scope.adminRead.rawValue), on: number, by: .system())
        let reduced = try await refresh(token)
        XCTAssertEqual(reduced.status, 200, reduced.text)
        XCTAssertEqual(reduced.json["scope"] as? String, "user:read", "admin:read was revoked since the login")
        token = try XCTUnwrap(reduced.json["refresh_token"] as? String)

        _ = try await harness.service.context.commands.execute(.disable, on: number, by: .system())
        let disabled = try await refresh(token)
        XCTAssertEqual(disabled.status, 400)
        XCTAssertEqual(disabled.json["error"] as? String, "invalid_grant")
        let failures = try await securityLog(kind: "refresh_failed")
        XCTAssertEqual(failures.map(\.reason), ["invalid_scope", "disabled"])
    }

    // MARK: Revocation

    /// Logout is for the whole service, not one instance: a token revoked through one instance is refused by another
    /// on the same database within about a second, and by an instance started afterwards at once.
    func testARevokedAccessTokenIsRefusedByEveryInstanceWithinASecond() async throws {
        let secret = ["EMPLOYEES_JWT_HS256_SECRET": "an instance-shared secret of at least 32 bytes!"]
        let first = try await ServiceHarness.start(environment: secret)
        let second = try await first.startAnotherInstance(environment: secret)
        let empNo = try await first.makeEmployee(email: "two.instances@example.com", scopes: [.userRead])
        try await second.waitForPrincipal(Int64(empNo), scopes: ScopeSet([.userRead]))
        let token = try first.token(for: empNo, scopes: [.userRead])
        let accepted = try await second.client.json("GET", "/me", token: token)
        XCTAssertEqual(accepted.status, 200, "each instance accepts the other's tokens")

        let revoked = try await first.client.form("/auth/revoke", [("token", token)])
        XCTAssertEqual(revoked.status, 200)
        let onFirst = try await first.client.json("GET", "/me", token: token)
        XCTAssertEqual(onFirst.status, 401, "at once on the revoking instance")
        let started = ContinuousClock.now
        let refusedOnSecond = await eventually(timeout: .seconds(5), pollingEvery: .milliseconds(50)) {
            (try? await second.client.json("GET", "/me", token: token).status) == 401
        }
        XCTAssertTrue(refusedOnSecond, "the other instance must learn of the revocation")
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(4), "within about a second (slack for a loaded machine)")

        let third = try await first.startAnotherInstance(environment: secret)
        try await third.waitForPrincipal(Int64(empNo), scopes: ScopeSet([.userRead]))
        let onThird = try await third.client.json("GET", "/me", token: token)
        XCTAssertEqual(onThird.status, 401, "an instance started later refuses it from the start")
        for instance in [third, second, first] { await instance.stop() }
    }

    func testRevokingAnAccessTokenBitesAtOnceAndRevokingARefreshTokenEndsRefreshing() async throws {
        let empNo = try await makeUser("logout@example.com", scopes: [.userRead])
        let login = try await login("logout@example.com")
        let access = try XCTUnwrap(login.json["access_token"] as? String)
        let refreshToken = try XCTUnwrap(login.json["refresh_token"] as? String)
        let before = try await client.json("GET", "/me", token: access)
        XCTAssertEqual(before.status, 200)

        let revoked = try await client.form("/auth/revoke", [("token", access), ("token_type_hint", "access_token")])
        XCTAssertEqual(revoked.status, 200, revoked.text)
        XCTAssertEqual(revoked.header("Cache-Control"), "no-store")
        let after = try await client.json("GET", "/me", token: access)
        XCTAssertEqual(after.status, 401)
        XCTAssertTrue(after.header("WWW-Authenticate")?.contains("error=\"invalid_token\"") == true)
        let stored = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT count(*) FROM revoked_access_tokens WHERE emp_no = \(empNo)").first!.decode(
                Int.self, column: 0)
        }
        XCTAssertEqual(stored, 1, "kept for the next start and other instances")

        let revokedRefresh = try await client.form(
            "/auth/revoke", [("token", refreshToken), ("token_type_hint", "access_token")])
        XCTAssertEqual(revokedRefresh.status, 200, "a wrong hint does not matter")
        let refreshed = try await refresh(refreshToken)
        XCTAssertEqual(refreshed.status, 400)
        XCTAssertEqual(refreshed.json["error"] as? String, "invalid_grant")

        for unknown in ["garbage", String(repeating: "A", count: 43), "a.b.c", access] {
            let response = try await client.form("/auth/revoke", [("token", unknown)])
            XCTAssertEqual(response.status, 200, "RFC 7009 §2.2: unknown or already revoked tokens are fine")
        }
        let missing = try await client.form("/auth/revoke", [("token_type_hint", "refresh_token")])
        XCTAssertEqual(missing.status, 400)
        XCTAssertEqual(missing.json["error"] as? String, "invalid_request")

        let revocations = try await securityLog(kind: "token_revoked")
        XCTAssertEqual(revocations.map(\.reason), ["access_token", "refresh_token"], "repeated revocations are not logged again")
        XCTAssertTrue(revocations.allSatisfy { $0.principal == "employee:\(empNo)" })
        try await assertSecurityLogHolds(none: [access, refreshToken, Self.password])
    }
}
