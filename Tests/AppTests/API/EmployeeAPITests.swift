import CivilTime
import Employees
import Foundation
import Postgres
import Security
import TestSupport
import XCTest

@testable import App

final class EmployeeAPITests: ServiceTestCase {
    private func logPosition() async throws -> Int64 {
        try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT position FROM event_log_head").first!.decode(Int64.self, column: 0)
        }
    }

    private let newEmployee: [String: Any] = [
        "first_name": "Bezalel", "last_name": "Simmel", "birth_date": "1964-06-02", "gender": "F",
        "hire_date": "1985-11-21", "email": "bezalel.simmel@example.com",
    ]

    func testAdminCreatesAnEmployeeAndReadsItBack() async throws {
        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminWrite])
        let token = try harness.token(for: admin, scopes: [.adminWrite])
        var body = newEmployee
        body["password"] = "violet tramway nineteen lanterns"
        let created = try await client.json("POST", "/employees", token: token, body: body)
        XCTAssertEqual(created.status, 201, created.text)
        let empNo = try XCTUnwrap(created.json["emp_no"] as? Int)
        XCTAssertEqual(created.header("Location"), "/employees/\(empNo)")
        XCTAssertEqual(created.header("ETag"), "\"2\"", "EmployeeCreated and PasswordChanged")
        XCTAssertEqual(created.json["email"] as? String, "bezalel.simmel@example.com")
        XCTAssertNil(created.json["password"])
        XCTAssertFalse(created.text.contains("argon2"), "no hash in any response")

        let read = try await client.json("GET", "/employees/\(empNo)", token: token)
        XCTAssertEqual(read.status, 200)
        XCTAssertEqual(read.json["first_name"] as? String, "Bezalel")
        XCTAssertEqual(read.json["birth_date"] as? String, "1964-06-02")

        let leaked = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT count(*) FROM events WHERE data::text LIKE '%argon2%' OR metadata::text LIKE '%argon2%'")
                .first!.decode(Int.self, column: 0)
        }
        XCTAssertEqual(leaked, 0, "password hashes never enter the log")
        let metadata = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT metadata::text FROM events WHERE stream_id = \("employee-\(empNo)") ORDER BY position")
                .map { try $0.decode(String.self, column: 0) }
        }
        XCTAssertTrue(metadata[0].contains("\"principal\": \"employee:\(admin)\""), metadata[0])
        XCTAssertTrue(metadata[0].contains("admin:write"), "the scopes the actor acted with")
    }

    func testAuthenticationAndScopeFailuresFollowRFC6750AndAppendNothing() async throws {
        let reader = try await harness.makeEmployee(email: "reader@example.com", scopes: [.userRead])
        let before = try await logPosition()

        let anonymous = try await client.json("POST", "/employees", body: newEmployee)
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(anonymous.header("WWW-Authenticate"), "Bearer realm=\"employees\"")
        XCTAssertEqual(anonymous.header("Content-Type"), "application/problem+json")

        let forged = try await client.json("POST", "/employees", token: "eyJhbGciOiJub25lIn0.e30.", body: newEmployee)
        XCTAssertEqual(forged.status, 401)
        XCTAssertTrue(forged.header("WWW-Authenticate")?.contains("error=\"invalid_token\"") == true)

        let weak = try await client.json(
            "POST", "/employees", token: try harness.token(for: reader, scopes: [.userRead]), body: newEmployee)
        XCTAssertEqual(weak.status, 403)
        XCTAssertEqual(weak.json["detail"] as? String, "Not enough permissions")
        XCTAssertEqual(
            weak.header("WWW-Authenticate"), "Bearer realm=\"employees\", error=\"insufficient_scope\", scope=\"admin:write\"")

        let after = try await logPosition()
        XCTAssertEqual(before, after, "no refused command appended anything")
        await harness.service.context.securityLog.flush()
        let denials = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT count(*) FROM security_log WHERE kind = 'access_denied'").first!.decode(
                Int.self, column: 0)
        }
        XCTAssertEqual(denials, 1, "the authorization denial is in the security log")
    }

    func testOwnRecordVersusAnyRecord() async throws {
        let user = try await harness.makeEmployee(email: "user@example.com", scopes: [.userRead, .userWrite])
        let other = try await harness.makeEmployee(email: "other@example.com")
        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminRead])
        let userToken = try harness.token(for: user, scopes: [.userRead, .userWrite])
        let adminToken = try harness.token(for: admin, scopes: [.adminRead])

        let ownRead = try await client.json("GET", "/employees/\(user)", token: userToken)
        XCTAssertEqual(ownRead.status, 200)
        let otherRead = try await client.json("GET", "/employees/\(other)", token: userToken)
        XCTAssertEqual(otherRead.status, 403)
        let adminRead = try await client.json("GET", "/employees/\(other)", token: adminToken)
        XCTAssertEqual(adminRead.status, 200)
        let otherWrite = try await client.json("PATCH", "/employees/\(other)", token: userToken, body: ["first_name": "Mallory"])
        XCTAssertEqual(otherWrite.status, 403)
        let adminWrite = try await client.json("PATCH", "/employees/\(other)", token: adminToken, body: ["first_name": "Mallory"])
        XCTAssertEqual(adminWrite.status, 403, "admin:read does not imply admin:write")
        let missing = try await client.json("GET", "/employees/999999", token: adminToken)
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.header("Content-Type"), "application/problem+json")
    }

    func testPatchChangesOnlyWhatWasSentIgnoresEmailAndPasswordAndChecksVersions() async throws {
        let user = try await harness.makeEmployee(email: "patch@example.com", scopes: [.userWrite])
        let token = try harness.token(for: user, scopes: [.userWrite])
        let patched = try await client.json(
            "PATCH", "/employees/\(user)", token: token,
            body: ["last_name": "Koblick", "email": "evil@example.com", "password": "x"], headers: [("If-Match", "\"2\"")])
        XCTAssertEqual(patched.status, 200, patched.text)
        XCTAssertEqual(patched.json["last_name"] as? String, "Koblick")
        XCTAssertEqual(patched.json["first_name"] as? String, "Georgi")
        XCTAssertEqual(patched.json["email"] as? String, "patch@example.com", "email is never changed by an update")
        XCTAssertEqual(patched.header("ETag"), "\"3\"")
        let data = try await harness.service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT data::text FROM events WHERE stream_id = \("employee-\(user)") AND event_type = 'EmployeeUpdated'"
            )
            .map { try $0.decode(String.self, column: 0) }
        }
        XCTAssertEqual(
            data, [#"{"last_name": {"new": "Koblick", "previous": "Facello"}}"#],
            "only the changed field, with its previous value")

        let stale = try await client.json(
            "PATCH", "/employees/\(user)", token: token, body: ["first_name": "Parto"], headers: [("If-Match", "\"2\"")])
        XCTAssertEqual(stale.status, 412)
        let unchanged = try await client.json("PATCH", "/employees/\(user)", token: token, body: ["last_name": "Koblick"])
        XCTAssertEqual(unchanged.status, 200)
        XCTAssertEqual(unchanged.header("ETag"), "\"3\"", "no change, no event")
    }

    /// Commands answer from their outcome rather than reading the projection again; the answer must be exactly what
    /// a read then shows, timestamps included.
    func testCommandResponsesAreExactlyWhatAReadThenShows() async throws {
        let admin = try await harness.makeEmployee(email: "answers@example.com", scopes: [.adminWrite, .adminRead])
        let token = try harness.token(for: admin, scopes: [.adminWrite, .adminRead])
        let created = try await client.json("POST", "/employees", token: token, body: newEmployee)
        XCTAssertEqual(created.status, 201, created.text)
        let empNo = try XCTUnwrap(created.json["emp_no"] as? Int)
        var answers = [(created.text, created.header("ETag"))]
        for body: [String: Any] in [
            ["first_name": "Parto", "hire_date": "1986-01-02"], ["first_name": "Parto"], ["gender": "M"],
        ] {
            let patched = try await client.json("PATCH", "/employees/\(empNo)", token: token, body: body)
            XCTAssertEqual(patched.status, 200, patched.text)
            answers.append((patched.text, patched.header("ETag")))
            let read = try await client.json("GET", "/employees/\(empNo)", token: token)
            XCTAssertEqual(read.text, patched.text)
            XCTAssertEqual(read.header("ETag"), patched.header("ETag"))
        }
        let disabled = try await client.json("POST", "/employees/\(empNo)/disable", token: token)
        XCTAssertEqual(disabled.status, 200, disabled.text)
        XCTAssertEqual(disabled.json["disabled"] as? Bool, true)
        let read = try await client.json("GET", "/employees/\(empNo)", token: token)
        XCTAssertEqual(read.text, disabled.text)
        XCTAssertEqual(answers.map(\.1), ["\"1\"", "\"2\"", "\"2\"", "\"3\""], "a no-op PATCH keeps the version")
        XCTAssertEqual(created.json["created_at"] as? String, read.json["created_at"] as? String)
    }

    func testBadInputIsAClearProblemNamingTheField() async throws {
        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminWrite])
        let token = try harness.token(for: admin, scopes: [.adminWrite])
        var invalid = newEmployee
        invalid["first_name"] = "ThisNameIsFarTooLong"
        invalid["gender"] = "X"
        invalid["hire_date"] = "1960-01-01"
        let validation = try await client.json("POST", "/employees", token: token, body: invalid)
        XCTAssertEqual(validation.status, 422)
        let fields = (validation.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
        XCTAssertEqual(Set(fields ?? []), ["first_name", "gender", "hire_date"])

        var unknown = newEmployee
        unknown["salary"] = "1"
        let unknownField = try await client.json("POST", "/employees", token: token, body: unknown)
        XCTAssertEqual(unknownField.status, 422)
        XCTAssertTrue(unknownField.text.contains("salary"))

        var wrongType = newEmployee
        wrongType["gender"] = 1
        let typed = try await client.json("POST", "/employees", token: token, body: wrongType)
        XCTAssertEqual(typed.status, 422)
        XCTAssertTrue(typed.text.contains("\"field\":\"gender\""))

        let notJSON = try await client.send(
            "POST", "/employees", headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
            body: Array("{\"first_name\": ".utf8))
        XCTAssertEqual(notJSON.status, 400)
        let duplicate = try await client.send(
            "POST", "/employees", headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
            body: Array(#"{"gender": "M", "gender": "F"}"#.utf8))
        XCTAssertEqual(duplicate.status, 400)

        var weakPassword = newEmployee
        weakPassword["password"] = "password"
        let password = try await client.json("POST", "/employees", token: token, body: weakPassword)
        XCTAssertEqual(password.status, 422)
        XCTAssertTrue(password.text.contains("\"field\":\"password\""))
        for response in [validation, unknownField, typed, notJSON, password] {
            XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        }
    }

    func testDuplicateEmailIsAConflict() async throws {
        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminWrite])
        let token = try harness.token(for: admin, scopes: [.adminWrite])
        let first = try await client.json("POST", "/employees", token: token, body: newEmployee)
        XCTAssertEqual(first.status, 201)
        var again = newEmployee
        again["email"] = "BEZALEL.SIMMEL@example.com"
        let second = try await client.json("POST", "/employees", token: token, body: again)
        XCTAssertEqual(second.status, 409)
        XCTAssertEqual(second.json["detail"] as? String, "Can't accept this email. Please specify another")
    }

    func testSearchMatchesPartsOfNamesWithKeysetPages() async throws {
        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminRead])
        for (index, last) in ["Gornas", "Genin", "Nasr", "Bamford"].enumerated() {
            var fields = ServiceHarness.defaultFields
            fields.lastName = last
            try await harness.makeEmployee(email: "s\(index)@example.com", fields: fields)
        }
        let token = try harness.token(for: admin, scopes: [.adminRead])
        let substring = try await client.json("GET", "/employees?last_name=NAS&limit=1", token: token)
        XCTAssertEqual(substring.status, 200)
        let firstPage = substring.json["items"] as? [[String: Any]]
        XCTAssertEqual(firstPage?.count, 1)
        let cursor = try XCTUnwrap(substring.json["next_after"] as? Int)
        let next = try await client.json("GET", "/employees?last_name=NAS&limit=1&after=\(cursor)", token: token)
        let names = ((firstPage ?? []) + (next.json["items"] as? [[String: Any]] ?? [])).compactMap { $0["last_name"] as? String }
        XCTAssertEqual(Set(names), ["Gornas", "Nasr"])
        XCTAssertTrue(next.json["next_after"] is NSNull)
        let wildcard = try await client.json("GET", "/employees?last_name=%25as", token: token)
        XCTAssertEqual((wildcard.json["items"] as? [[String: Any]])?.compactMap { $0["last_name"] as? String }, ["Gornas"])
        let badLimit = try await client.json("GET", "/employees?limit=0", token: token)
        XCTAssertEqual(badLimit.status, 400)
    }

    func testMeAndReadingAsOfAnEarlierInstant() async throws {
        let user = try await harness.makeEmployee(email: "me@example.com", scopes: [.userRead, .userWrite])
        let token = try harness.token(for: user, scopes: [.userRead, .userWrite])
        let me = try await client.json("GET", "/me", token: token)
        XCTAssertEqual(me.status, 200)
        XCTAssertEqual((me.json["employee"] as? [String: Any])?["emp_no"] as? Int, user)
        XCTAssertEqual(me.json["scopes"] as? [String], ["user:read", "user:write"])

        try await Task.sleep(for: .milliseconds(20))
        let between = Date()
        try await Task.sleep(for: .milliseconds(20))
        _ = try await client.json("PATCH", "/employees/\(user)", token: token, body: ["first_name": "Chirstian"])
        let instant = ISO8601.string(from: between).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let past = try await client.json("GET", "/employees/\(user)?as_of=\(instant)", token: token)
        XCTAssertEqual(past.status, 200, past.text)
        XCTAssertEqual(past.json["first_name"] as? String, "Georgi")
        let now = try await client.json("GET", "/employees/\(user)", token: token)
        XCTAssertEqual(now.json["first_name"] as? String, "Chirstian")
        let beforeBirth = try await client.json("GET", "/employees/\(user)?as_of=2000-01-01T00:00:00Z", token: token)
        XCTAssertEqual(beforeBirth.status, 404)
    }

    func testARevokedScopeStopsWorkingForAnIssuedTokenWithinASecond() async throws {
        let user = try await harness.makeEmployee(email: "revoke@example.com", scopes: [.userRead])
        let token = try harness.token(for: user, scopes: [.userRead])
        let allowed = try await client.json("GET", "/employees/\(user)", token: token)
        XCTAssertEqual(allowed.status, 200)
        _ = try await harness.service.context.commands.execute(
            .revokeScope("user:read"), on: EmployeeNumber(user)!, by: .system())
        let started = ContinuousClock.now
        let refused = await eventually(timeout: .seconds(1), pollingEvery: .milliseconds(20)) {
            (try? await self.client.json("GET", "/employees/\(user)", token: token).status) == 403
        }
        XCTAssertTrue(refused, "the old token lost the scope within 1 s (took \(ContinuousClock.now - started))")
    }
}
