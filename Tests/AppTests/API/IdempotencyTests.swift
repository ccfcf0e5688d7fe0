import Employees
import Foundation
import HTTP
import Postgres
import Security
import TestSupport
import XCTest

@testable import App
@testable import Records

final class IdempotencyTests: ServiceTestCase {
    private let newEmployee: [String: Any] = [
        "first_name": "Bezalel", "last_name": "Simmel", "birth_date": "1964-06-02", "gender": "F",
        "hire_date": "1985-11-21", "email": "bezalel.simmel@example.com",
    ]

    private func count(_ sql: PostgresQuery) async throws -> Int {
        try await harness.service.context.pool.withConnection { connection in
            try connection.query(sql).first!.decode(Int.self, column: 0)
        }
    }

    private func makeAdmin() async throws -> (empNo: Int, token: String) {
        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminWrite])
        return (admin, try harness.token(for: admin, scopes: [.adminWrite]))
    }

    func testARetryWithTheSameKeyGetsTheFirstResponseAndAppendsNothing() async throws {
        let (admin, token) = try await makeAdmin()
        let key = [("Idempotency-Key", "create-bezalel-1")]
        let first = try await client.json("POST", "/employees", token: token, body: newEmployee, headers: key)
        XCTAssertEqual(first.status, 201, first.text)
        XCTAssertNil(first.header("Idempotent-Replayed"))
        let retry = try await client.json("POST", "/employees", token: token, body: newEmployee, headers: key)
        XCTAssertEqual(retry.status, 201)
        XCTAssertEqual(retry.body, first.body)
        XCTAssertEqual(retry.header("Location"), first.header("Location"))
        XCTAssertEqual(retry.header("ETag"), first.header("ETag"))
        XCTAssertEqual(retry.header("Content-Type"), "application/json")
        XCTAssertEqual(retry.header("Idempotent-Replayed"), "true")
        let created = try await count("SELECT count(*) FROM events WHERE event_type = 'EmployeeCreated'")
        XCTAssertEqual(created, 2, "the admin and Bezalel, once")
        let tagged = try await count("SELECT count(*) FROM events WHERE metadata ->> 'idempotency_key' = 'create-bezalel-1'")
        XCTAssertEqual(tagged, 1, "the event carries the key in its metadata")

        var reordered = newEmployee
        reordered["gender"] = "F"
        let sameMeaning = try await client.send(
            "POST", "/employees",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")] + key,
            body: Array(try JSONSerialization.data(withJSONObject: reordered, options: [.sortedKeys, .prettyPrinted])))
        XCTAssertEqual(sameMeaning.status, 201, "member order and whitespace do not make another request")
        XCTAssertEqual(sameMeaning.body, first.body)

        var other = newEmployee
        other["email"] = "someone.else@example.com"
        let different = try await client.json("POST", "/employees", token: token, body: other, headers: key)
        XCTAssertEqual(different.status, 422, "same key, different body")
        let otherPath = try await client.json(
            "PATCH", "/employees/\(admin)", token: token, body: ["first_name": "Kyoichi"], headers: key)
        XCTAssertEqual(otherPath.status, 422, "same key, different method and path")
        let createdAfterMismatch = try await count("SELECT count(*) FROM events WHERE event_type = 'EmployeeCreated'")
        XCTAssertEqual(createdAfterMismatch, 2)
    }

    func testKeysAreScopedToThePrincipal() async throws {
        let (admin, token) = try await makeAdmin()
        let second = try await harness.makeEmployee(email: "second@example.com", scopes: [.adminWrite])
        let secondToken = try harness.token(for: second, scopes: [.adminWrite])
        let key = [("Idempotency-Key", "shared")]
        let mine = try await client.json(
            "PATCH", "/employees/\(admin)", token: token, body: ["first_name": "Kyoichi"], headers: key)
        XCTAssertEqual(mine.status, 200)
        let theirs = try await client.json(
            "PATCH", "/employees/\(second)", token: secondToken, body: ["first_name": "Anneke"], headers: key)
        XCTAssertEqual(theirs.status, 200, "another principal's key of the same name is another key")
        XCTAssertNil(theirs.header("Idempotent-Replayed"))
        XCTAssertEqual(theirs.json["first_name"] as? String, "Anneke")
    }

    func testConcurrentDuplicatesAppendExactlyOnce() async throws {
        let (_, token) = try await makeAdmin()
        let client = client
        let body = Array(try JSONSerialization.data(withJSONObject: newEmployee))
        let headers = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json"), ("Idempotency-Key", "burst")]
        let responses = try await withThrowingTaskGroup(of: HTTPTestResponse.self) { group in
            for _ in 0..<8 {
                group.addTask { try await client.send("POST", "/employees", headers: headers, body: body) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let createdAfterBurst = try await count("SELECT count(*) FROM events WHERE event_type = 'EmployeeCreated'")
        XCTAssertEqual(createdAfterBurst, 2)
        let successes = responses.filter { $0.status == 201 }
        XCTAssertFalse(successes.isEmpty)
        XCTAssertEqual(Set(successes.map(\.body)).count, 1, "every 201 is the same response")
        for response in responses where response.status != 201 {
            XCTAssertEqual(response.status, 409, response.text)
            XCTAssertEqual(response.header("Retry-After"), "1")
        }
        let settled = try await client.send("POST", "/employees", headers: headers, body: body)
        XCTAssertEqual(settled.status, 201, "once the first has finished, a retry gets its response")
        XCTAssertEqual(settled.body, successes.first?.body)
        XCTAssertEqual(settled.header("Idempotent-Replayed"), "true")
    }

    func testMalformedKeysAreRefusedAndFailuresReleaseTheKey() async throws {
        let (_, token) = try await makeAdmin()
        for bad in [String(repeating: "k", count: 256), "two words", "caf\u{E9}"] {
            let response = try await client.json(
                "POST", "/employees", token: token, body: newEmployee, headers: [("Idempotency-Key", bad)])
            XCTAssertEqual(response.status, 400, bad)
        }
        let twice = try await client.json(
            "POST", "/employees", token: token, body: newEmployee, headers: [("Idempotency-Key", "a"), ("Idempotency-Key", "a")])
        XCTAssertEqual(twice.status, 400)
        let createdAfterBadKeys = try await count("SELECT count(*) FROM events WHERE event_type = 'EmployeeCreated'")
        XCTAssertEqual(createdAfterBadKeys, 1)

        var invalid = newEmployee
        invalid["gender"] = "X"
        let key = [("Idempotency-Key", String(repeating: "k", count: 255))]
        let failed = try await client.json("POST", "/employees", token: token, body: invalid, headers: key)
        XCTAssertEqual(failed.status, 422)
        let fixed = try await client.json("POST", "/employees", token: token, body: newEmployee, headers: key)
        XCTAssertEqual(fixed.status, 201, "a failed request appended nothing, so its key was released: \(fixed.text)")
        let completedRecords = try await count("SELECT count(*) FROM idempotency_keys WHERE state = 'completed'")
        XCTAssertEqual(completedRecords, 1)

        let reader = try await harness.makeEmployee(email: "reader@example.com", scopes: [.userRead])
        let read = try await client.json(
            "GET", "/employees/\(reader)", token: try harness.token(for: reader, scopes: [.userRead]),
            headers: [("Idempotency-Key", "ignored on reads")])
        XCTAssertEqual(read.status, 200)
    }

    /// A pending record whose lease ran out: the process died after the claim. The log tells whether it committed.
    private func insertStaleClaim(principal: Int, key: String, method: HTTPMethod, path: String, leaseExpired: Bool = true)
        async throws
    {
        let fingerprint = IdempotencyMiddleware.fingerprint(of: try HTTPRequest(method: method, target: path))
        let lease = leaseExpired ? -5 : 60
        try await harness.service.context.pool.withConnection { connection in
            try connection.execute(
                """
                INSERT INTO idempotency_keys (principal, key, request_hash, state, claim, lease_expires_at, log_position, created_at)
                VALUES (\("employee:\(principal)"), \(key), \(fingerprint), 'pending', \(UUID()),
                        now() + \(lease) * interval '1 second', (SELECT position FROM event_log_head), now())
                """)
        }
    }

    func testARequestThatDiedAfterItsCommitIsAnsweredFromTheLog() async throws {
        let (admin, token) = try await makeAdmin()
        let user = try await harness.makeEmployee(email: "user@example.com")
        let path = "/employees/\(user)/disable"
        try await insertStaleClaim(principal: admin, key: "disable-1", method: .POST, path: path)
        let actor = Actor(principal: "employee:\(admin)", scopes: ["admin:write"], requestID: "lost", idempotencyKey: "disable-1")
        _ = try await harness.service.context.commands.execute(.disable, on: EmployeeNumber(user)!, by: actor)

        let retry = try await client.json("POST", path, token: token, headers: [("Idempotency-Key", "disable-1")])
        XCTAssertEqual(retry.status, 303, retry.text)
        XCTAssertEqual(retry.header("Location"), "/employees/\(user)")
        let again = try await client.json("POST", path, token: token, headers: [("Idempotency-Key", "disable-1")])
        XCTAssertEqual(again.status, 303)
        XCTAssertEqual(again.header("Idempotent-Replayed"), "true")
        let disabledEvents = try await count("SELECT count(*) FROM events WHERE event_type = 'EmployeeDisabled'")
        XCTAssertEqual(disabledEvents, 1)
    }

    func testARequestThatDiedBeforeItsCommitRunsAgainAndOneInFlightIsAConflict() async throws {
        let (admin, token) = try await makeAdmin()
        let user = try await harness.makeEmployee(email: "user@example.com")
        try await insertStaleClaim(principal: admin, key: "disable-2", method: .POST, path: "/employees/\(user)/disable")
        let retry = try await client.json(
            "POST", "/employees/\(user)/disable", token: token, headers: [("Idempotency-Key", "disable-2")])
        XCTAssertEqual(retry.status, 200, retry.text)
        XCTAssertEqual(retry.json["disabled"] as? Bool, true)
        let disabledAfterRetry = try await count("SELECT count(*) FROM events WHERE event_type = 'EmployeeDisabled'")
        XCTAssertEqual(disabledAfterRetry, 1)

        try await insertStaleClaim(
            principal: admin, key: "enable-1", method: .POST, path: "/employees/\(user)/enable", leaseExpired: false)
        let running = try await client.json(
            "POST", "/employees/\(user)/enable", token: token, headers: [("Idempotency-Key", "enable-1")])
        XCTAssertEqual(running.status, 409)
        XCTAssertEqual(running.header("Retry-After"), "1")
        let enabledEvents = try await count("SELECT count(*) FROM events WHERE event_type = 'EmployeeEnabled'")
        XCTAssertEqual(enabledEvents, 0)
    }

    func testPasswordsAreNeverPartOfTheStoredFingerprintInput() throws {
        func request(_ password: String) throws -> HTTPRequest {
            try HTTPRequest(
                method: .PUT, target: "/employees/1/password", headers: ["Content-Type": "application/json"],
                body: Array(#"{"new_password": "\#(password)"}"#.utf8))
        }
        XCTAssertEqual(
            IdempotencyMiddleware.fingerprint(of: try request("first secret words here")),
            IdempotencyMiddleware.fingerprint(of: try request("second secret words here")))
        let other = try HTTPRequest(
            method: .PUT, target: "/employees/2/password", headers: ["Content-Type": "application/json"],
            body: Array(#"{"new_password": "first secret words here"}"#.utf8))
        XCTAssertNotEqual(
            IdempotencyMiddleware.fingerprint(of: try request("first secret words here")),
            IdempotencyMiddleware.fingerprint(of: other))
    }
}
