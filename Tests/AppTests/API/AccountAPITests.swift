import Employees
import Foundation
import Postgres
import Security
import TestSupport
import XCTest

@testable import App

final class AccountAPITests: ServiceTestCase {
    private func eventTypes(of empNo: Int) async throws -> [String] {
        try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT event_type FROM events WHERE stream_id = \("employee-\(empNo)") ORDER BY position")
                .map { try $0.decode(String.self, column: 0) }
        }
    }

    private func makeAdmin() async throws -> (empNo: Int, token: String) {
        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminWrite, .scopeGrant])
        return (admin, try harness.token(for: admin, scopes: [.adminWrite, .scopeGrant]))
    }

    func testGrantsAScopeOrARoleInOneAppendAndAnswersTheCurrentScopes() async throws {
        let (_, token) = try await makeAdmin()
        let target = try await harness.makeEmployee(email: "target@example.com")

        let scope = try await client.json("POST", "/employees/\(target)/scopes", token: token, body: ["scope": "admin:read"])
        XCTAssertEqual(scope.status, 200, scope.text)
        XCTAssertEqual(scope.json["scopes"] as? [String], ["admin:read"])
        XCTAssertEqual(scope.json["emp_no"] as? Int, target)
        XCTAssertEqual(scope.header("ETag"), "\"2\"")

        let role = try await client.json("POST", "/employees/\(target)/scopes", token: token, body: ["role": "admin"])
        XCTAssertEqual(role.status, 200, role.text)
        XCTAssertEqual(role.json["scopes"] as? [String], ["admin:read", "admin:write", "scope:grant"])
        let roleEvents = try await harness.service.context.pool.withConnection { connection in
            try connection.query(
                """
                SELECT data ->> 'scope', metadata ->> 'request_id' FROM events
                WHERE stream_id = \("employee-\(target)") AND event_type = 'ScopeGranted' AND stream_version > 2
                ORDER BY position
                """
            ).map { (try $0.decode(String.self, column: 0), try $0.decode(String.self, column: 1)) }
        }
        XCTAssertEqual(roleEvents.map(\.0), ["admin:write", "scope:grant"], "one event per scope not yet held")
        XCTAssertEqual(Set(roleEvents.map(\.1)).count, 1, "appended by one request")

        let again = try await client.json("POST", "/employees/\(target)/scopes", token: token, body: ["role": "admin"])
        XCTAssertEqual(again.status, 200)
        XCTAssertEqual(again.header("ETag"), "\"4\"", "a role already held appends nothing")
        let table = harness.service.context.principals.snapshot(empNo: Int64(target))
        XCTAssertEqual(table?.scopes, [.adminRead, .adminWrite, .scopeGrant], "the principal table has the grants at once")
    }

    func testBadGrantsAreRefusedNamingTheFieldAndAppendNothing() async throws {
        let (admin, token) = try await makeAdmin()
        let target = try await harness.makeEmployee(email: "target@example.com")
        let cases: [([String: Any], Int, Set<String>)] = [
            (["scope": "admin:everything"], 422, ["scope"]),
            (["role": "overlord"], 422, ["role"]),
            (["scope": "admin:read", "role": "manager"], 422, ["scope", "role"]),
            ([:], 422, ["scope", "role"]),
            (["scope": 3], 422, ["scope"]),
            (["scope": "admin:read", "grant": true], 422, ["grant"]),
        ]
        for (body, status, fields) in cases {
            let response = try await client.json("POST", "/employees/\(target)/scopes", token: token, body: body)
            XCTAssertEqual(response.status, status, "\(body): \(response.text)")
            let named = (response.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            XCTAssertEqual(Set(named ?? []), fields, "\(body)")
        }
        let escalation = try await client.json("POST", "/employees/\(admin)/scopes", token: token, body: ["scope": "super:*"])
        XCTAssertEqual(escalation.status, 403, "scope:grant does not mint scopes its holder lacks")
        XCTAssertEqual(escalation.json["required_scope"] as? String, "super:*")
        let auditor = try await client.json("POST", "/employees/\(target)/scopes", token: token, body: ["role": "auditor"])
        XCTAssertEqual(auditor.status, 403, "audit:read is not among the admin's scopes")
        let missing = try await client.json("POST", "/employees/999999/scopes", token: token, body: ["scope": "user:read"])
        XCTAssertEqual(missing.status, 404)
        let types = try await eventTypes(of: target)
        XCTAssertEqual(types, ["EmployeeCreated"])

        let manager = try await harness.makeEmployee(email: "manager@example.com", scopes: [.adminWrite])
        let noGrant = try await client.json(
            "POST", "/employees/\(target)/scopes", token: try harness.token(for: manager, scopes: [.adminWrite]),
            body: ["scope": "user:read"])
        XCTAssertEqual(noGrant.status, 403, "admin:write does not imply scope:grant")
    }

    func testRevokingAScopeBitesAtOnceAndRevokingAnAbsentOneIsANoOp() async throws {
        let (_, token) = try await makeAdmin()
        let user = try await harness.makeEmployee(email: "user@example.com", scopes: [.userRead, .adminRead])
        let userToken = try harness.token(for: user, scopes: [.userRead, .adminRead])
        let before = try await client.json("GET", "/employees?last_name=Facello", token: userToken)
        XCTAssertEqual(before.status, 200)

        let revoked = try await client.json("DELETE", "/employees/\(user)/scopes/admin%3Aread", token: token)
        XCTAssertEqual(revoked.status, 200, revoked.text)
        XCTAssertEqual(revoked.json["scopes"] as? [String], ["user:read"])
        let after = try await client.json("GET", "/employees?last_name=Facello", token: userToken)
        XCTAssertEqual(after.status, 403, "the issued token lost admin:read with the next request")
        let own = try await client.json("GET", "/employees/\(user)", token: userToken)
        XCTAssertEqual(own.status, 200, "and kept user:read")

        let absent = try await client.json("DELETE", "/employees/\(user)/scopes/admin:read", token: token)
        XCTAssertEqual(absent.status, 200)
        XCTAssertEqual(absent.json["scopes"] as? [String], ["user:read"])
        let unknown = try await client.json("DELETE", "/employees/\(user)/scopes/admin:everything", token: token)
        XCTAssertEqual(unknown.status, 404)
        let types = try await eventTypes(of: user)
        XCTAssertEqual(types, ["EmployeeCreated", "ScopeGranted", "ScopeGranted", "ScopeRevoked"])
    }

    func testDisableRefusesExistingTokensAndEnableRestoresOnlyTokensIssuedAfterTheDisable() async throws {
        let (_, token) = try await makeAdmin()
        let user = try await harness.makeEmployee(email: "user@example.com", scopes: [.userRead])
        let oldToken = try harness.token(for: user, scopes: [.userRead])
        let beforeDisable = try await client.json("GET", "/employees/\(user)", token: oldToken).status
        XCTAssertEqual(beforeDisable, 200)

        let userDisabling = try await client.json("POST", "/employees/\(user)/disable", token: oldToken)
        XCTAssertEqual(userDisabling.status, 403)
        let disabled = try await client.json("POST", "/employees/\(user)/disable", token: token)
        XCTAssertEqual(disabled.status, 200, disabled.text)
        XCTAssertEqual(disabled.json["disabled"] as? Bool, true)
        let refused = await eventually(timeout: .seconds(1), pollingEvery: .milliseconds(20)) {
            (try? await self.client.json("GET", "/employees/\(user)", token: oldToken).status) == 401
        }
        XCTAssertTrue(refused, "a disabled employee's token is refused within a second")
        let duringDisable = try harness.token(for: user, scopes: [.userRead])
        let newTokenWhileDisabled = try await client.json("GET", "/employees/\(user)", token: duringDisable).status
        XCTAssertEqual(newTokenWhileDisabled, 401)
        let twice = try await client.json("POST", "/employees/\(user)/disable", token: token)
        XCTAssertEqual(twice.status, 200)

        let enabled = try await client.json("POST", "/employees/\(user)/enable", token: token)
        XCTAssertEqual(enabled.status, 200)
        XCTAssertEqual(enabled.json["disabled"] as? Bool, false)
        let newTokenAfterEnable = try await client.json("GET", "/employees/\(user)", token: duringDisable).status
        XCTAssertEqual(newTokenAfterEnable, 200)
        let newToken = try harness.token(for: user, scopes: [.userRead])
        let tokenAfterEnable = try await client.json("GET", "/employees/\(user)", token: newToken).status
        XCTAssertEqual(tokenAfterEnable, 200)
        let oldTokenAfterEnable = try await client.json("GET", "/employees/\(user)", token: oldToken).status
        XCTAssertEqual(
            oldTokenAfterEnable, 401,
            "tokens from before the disable stay invalid after the enable")
        let types = try await eventTypes(of: user)
        XCTAssertEqual(types, ["EmployeeCreated", "ScopeGranted", "EmployeeDisabled", "EmployeeEnabled"])
        let missing = try await client.json("POST", "/employees/999999/enable", token: token)
        XCTAssertEqual(missing.status, 404)
    }

    func testOwnPasswordChangeNeedsTheCurrentPasswordAndInvalidatesOlderTokens() async throws {
        let current = "quiet harbour lamps at dawn"
        let next = "seven copper kettles whistle"
        let hash = try PasswordHasher().hash(current)
        let user = try await harness.makeEmployee(email: "user@example.com", scopes: [.userRead, .userWrite], passwordHash: hash)
        let other = try await harness.makeEmployee(email: "other@example.com")
        let issued = try harness.service.issuerService.issue(
            empNo: Int64(user), clientID: "tests", scopes: [.userRead, .userWrite])
        let token = issued.token
        let path = "/employees/\(user)/password"

        let withoutCurrent = try await client.json("PUT", path, token: token, body: ["new_password": next])
        XCTAssertEqual(withoutCurrent.status, 422)
        XCTAssertTrue(withoutCurrent.text.contains("\"field\":\"current_password\""))
        let wrong = try await client.json(
            "PUT", path, token: token, body: ["current_password": "not my password at all", "new_password": next])
        XCTAssertEqual(wrong.status, 403)
        XCTAssertTrue(wrong.text.contains("current_password"))
        let weak = try await client.json(
            "PUT", path, token: token, body: ["current_password": current, "new_password": "password"])
        XCTAssertEqual(weak.status, 422)
        XCTAssertTrue(weak.text.contains("\"field\":\"new_password\""))
        let othersRecord = try await client.json(
            "PUT", "/employees/\(other)/password", token: token, body: ["current_password": current, "new_password": next])
        XCTAssertEqual(othersRecord.status, 403, "user:write is for the own record only")
        let typesBeforeChange = try await eventTypes(of: user)
        XCTAssertEqual(typesBeforeChange, ["EmployeeCreated", "PasswordChanged", "ScopeGranted", "ScopeGranted"])

        // Token times are whole seconds, and a token issued just after the account's creation (which set a password)
        // is stamped up to a second ahead; a change is after the token once the clock has reached its `iat`.
        while Date() < issued.issuedAt { try await Task.sleep(for: .milliseconds(50)) }
        let changed = try await client.json("PUT", path, token: token, body: ["current_password": current, "new_password": next])
        XCTAssertEqual(changed.status, 204, changed.text)
        let oldTokenStatus = try await client.json("GET", "/employees/\(user)", token: token).status
        XCTAssertEqual(oldTokenStatus, 401, "older tokens stop working")
        let fresh = try harness.token(for: user, scopes: [.userRead])
        let freshTokenStatus = try await client.json("GET", "/employees/\(user)", token: fresh).status
        XCTAssertEqual(freshTokenStatus, 200)

        let stored = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT password_hash FROM credentials WHERE emp_no = \(user)").first!.decode(
                String.self, column: 0)
        }
        XCTAssertTrue(PasswordHasher().verify(next, against: stored))
        let leaked = try await harness.service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT count(*) FROM events WHERE data::text LIKE '%argon2%' OR metadata::text LIKE '%argon2%'"
            ).first!.decode(Int.self, column: 0)
        }
        XCTAssertEqual(leaked, 0)
        await harness.service.context.securityLog.flush()
        let failures = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT principal, reason FROM security_log WHERE kind = 'password_change_failed'").map {
                (try $0.decode(String.self, column: 0), try $0.decode(String.self, column: 1))
            }
        }
        XCTAssertEqual(failures.map(\.0), ["employee:\(user)"])
        XCTAssertEqual(failures.map(\.1), ["bad_current_password"])
    }

    func testAnAdminSetsAnyPasswordWithoutTheCurrentOne() async throws {
        let (_, token) = try await makeAdmin()
        let user = try await harness.makeEmployee(email: "user@example.com", scopes: [.userRead])
        let userToken = try harness.token(for: user, scopes: [.userRead])
        let next = "seven copper kettles whistle"
        let set = try await client.json("PUT", "/employees/\(user)/password", token: token, body: ["new_password": next])
        XCTAssertEqual(set.status, 204, set.text)
        let userTokenStatus = try await client.json("GET", "/employees/\(user)", token: userToken).status
        XCTAssertEqual(userTokenStatus, 401)
        let hash = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT password_hash FROM credentials WHERE emp_no = \(user)").first!.decode(
                String.self, column: 0)
        }
        XCTAssertTrue(PasswordHasher().verify(next, against: hash))
        let unknownField = try await client.json(
            "PUT", "/employees/\(user)/password", token: token, body: ["new_password": next, "password": next])
        XCTAssertEqual(unknownField.status, 422)
        let typesAfterChange = try await eventTypes(of: user)
        XCTAssertEqual(typesAfterChange, ["EmployeeCreated", "ScopeGranted", "PasswordChanged"])
    }
}
