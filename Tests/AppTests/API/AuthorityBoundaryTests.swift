import Employees
import Foundation
import Postgres
import Security
import TestSupport
import XCTest

@testable import App

/// A command that changes who can act as an account (another's password, disable, enable, revoking a scope) is
/// allowed only when the caller's effective scopes cover every scope the account holds; otherwise 403, nothing
/// appended, and a security-log entry. Through HTTP, for each command and each (caller, target) pair that matters.
final class AuthorityBoundaryTests: ServiceTestCase {
    private func eventCount(of empNo: Int) async throws -> Int {
        try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT count(*) FROM events WHERE stream_id = \("employee-\(empNo)")").first!.decode(
                Int.self, column: 0)
        }
    }

    /// The issue's reproduction: `admin:read admin:write` sets the password of a `super:*` account and logs in as it.
    func testAWeakerAdminCannotTakeOverAStrongerAccount() async throws {
        let admin = try await harness.makeEmployee(email: "kyoichi@example.com", scopes: [.adminRead, .adminWrite])
        let token = try harness.token(for: admin, scopes: [.adminRead, .adminWrite])
        let original = "the original long passphrase"
        let superUser = try await harness.makeEmployee(
            email: "mary@example.com", scopes: [.superAll], passwordHash: try PasswordHasher().hash(original))
        let before = try await eventCount(of: superUser)

        let stolen = "a password the attacker chose"
        let set = try await client.json("PUT", "/employees/\(superUser)/password", token: token, body: ["new_password": stolen])
        XCTAssertEqual(set.status, 403, set.text)
        XCTAssertTrue(set.text.contains("super:*"), "the detail names what the caller lacks: \(set.text)")
        let asStolen = try await client.form(
            "/auth/token", [("grant_type", "password"), ("username", "mary@example.com"), ("password", stolen)])
        XCTAssertEqual(asStolen.status, 400, "the attacker's password does not log in")
        let asOwner = try await client.form(
            "/auth/token", [("grant_type", "password"), ("username", "mary@example.com"), ("password", original)])
        XCTAssertEqual(asOwner.status, 200, "the owner's password still does")
        let after = try await eventCount(of: superUser)
        XCTAssertEqual(after, before, "nothing appended")

        await harness.service.context.securityLog.flush()
        let denials = try await harness.service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT principal, attempted_username, reason FROM security_log WHERE kind = 'access_denied' ORDER BY id"
            ).map {
                (
                    try $0.decode(String.self, column: 0), try $0.decode(String.self, column: 1),
                    try $0.decode(String.self, column: 2)
                )
            }
        }
        XCTAssertEqual(denials.map(\.0), ["employee:\(admin)"])
        XCTAssertEqual(denials.map(\.1), ["employee:\(superUser)"])
        XCTAssertEqual(denials.map(\.2), ["target_holds_more:changePassword"])
    }

    /// Each account command for callers and targets with the scope sets that matter: allowed exactly when the
    /// caller's scopes (after implication) cover the target's.
    func testEachAccountCommandNeedsEveryScopeTheTargetHolds() async throws {
        let callers: [[Scope]] = [[.adminWrite, .scopeGrant], [.adminWrite, .scopeGrant, .auditRead], [.superAll]]
        let targets: [[Scope]] = [
            [], [.userRead], [.userWrite], [.adminRead, .adminWrite], [.scopeGrant], [.auditRead], [.superAll],
        ]
        var emailCounter = 0
        func nextEmail() -> String {
            emailCounter += 1
            return "person\(emailCounter)@example.com"
        }
        for callerScopes in callers {
            let caller = try await harness.makeEmployee(email: nextEmail(), scopes: callerScopes)
            let token = try harness.token(for: caller, scopes: callerScopes)
            for targetScopes in targets {
                let target = try await harness.makeEmployee(email: nextEmail(), scopes: targetScopes)
                let allowed = ScopeSet(callerScopes).satisfies(ScopeSet(targetScopes))
                let label = "\(ScopeSet(callerScopes)) on \(ScopeSet(targetScopes))"
                let before = try await eventCount(of: target)
                let commands: [(String, String, [String: Any]?, Int)] = [
                    ("PUT", "/employees/\(target)/password", ["new_password": "an entirely new passphrase"], 204),
                    ("POST", "/employees/\(target)/disable", nil, 200),
                    ("POST", "/employees/\(target)/enable", nil, 200),
                    ("DELETE", "/employees/\(target)/scopes/user:read", nil, 200),
                ]
                for (method, path, body, success) in commands {
                    let response = try await client.json(method, path, token: token, body: body)
                    XCTAssertEqual(response.status, allowed ? success : 403, "\(method) \(path) by \(label): \(response.text)")
                }
                let after = try await eventCount(of: target)
                if allowed {
                    XCTAssertGreaterThan(after, before, label)
                } else {
                    XCTAssertEqual(after, before, "nothing appended for \(label)")
                }
            }
        }
    }

    /// One's own password keeps needing the current one, even for an administrator: a stolen admin token cannot
    /// take over its own account either.
    func testOwnPasswordNeedsTheCurrentOneEvenForAnAdmin() async throws {
        let current = "quiet harbour lamps at dawn"
        let admin = try await harness.makeEmployee(
            email: "admin@example.com", scopes: [.adminWrite], passwordHash: try PasswordHasher().hash(current))
        let token = try harness.token(for: admin, scopes: [.adminWrite])
        let path = "/employees/\(admin)/password"
        let without = try await client.json("PUT", path, token: token, body: ["new_password": "seven copper kettles whistle"])
        XCTAssertEqual(without.status, 422, without.text)
        XCTAssertTrue(without.text.contains("\"field\":\"current_password\""), without.text)
        let with = try await client.json(
            "PUT", path, token: token, body: ["current_password": current, "new_password": "seven copper kettles whistle"])
        XCTAssertEqual(with.status, 204, with.text)
    }

    /// The check sees the scopes the append expects: a scope granted to the target just before is counted.
    func testAGrantJustBeforeTheCommandIsCounted() async throws {
        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminWrite])
        let token = try harness.token(for: admin, scopes: [.adminWrite])
        let target = try await harness.makeEmployee(email: "target@example.com", scopes: [.userRead])
        _ = try await harness.service.context.commands.execute(
            .grantScope(Scope.auditRead.rawValue), on: try XCTUnwrap(EmployeeNumber(target)), by: .system())
        let disable = try await client.json("POST", "/employees/\(target)/disable", token: token)
        XCTAssertEqual(disable.status, 403, "the principal table may lag; the stream does not")
    }
}
