import Employees
import EventStore
import Foundation
import Postgres
import Security
import TestSupport
import XCTest

@testable import App
@testable import Operations

/// The auditors' routes over real sockets: history, the paged log, the live NDJSON stream, the security log.
final class AuditAPITests: ServiceTestCase {
    private func auditorToken() async throws -> String {
        let auditor = try await harness.makeEmployee(email: "auditor@example.com", scopes: [.auditRead])
        return try harness.token(for: auditor, scopes: [.auditRead])
    }

    func testHistoryListsTheStreamWithActorScopesAndRequestID() async throws {
        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminWrite])
        let adminToken = try harness.token(for: admin, scopes: [.adminWrite])
        let created = try await client.json(
            "POST", "/employees", token: adminToken,
            body: [
                "first_name": "Bezalel", "last_name": "Simmel", "birth_date": "1964-06-02", "gender": "F",
                "hire_date": "1985-11-21",
                "email": "bezalel@example.com",
            ])
        XCTAssertEqual(created.status, 201, created.text)
        let empNo = try XCTUnwrap(created.json["emp_no"] as? Int)
        let patched = try await client.json("PATCH", "/employees/\(empNo)", token: adminToken, body: ["last_name": "Simmelsen"])
        XCTAssertEqual(patched.status, 200, patched.text)
        let token = try await auditorToken()

        let history = try await client.json("GET", "/employees/\(empNo)/history", token: token)
        XCTAssertEqual(history.status, 200, history.text)
        XCTAssertEqual(history.json["emp_no"] as? Int, empNo)
        let events = try XCTUnwrap(history.json["events"] as? [[String: Any]])
        XCTAssertEqual(events.map { $0["type"] as? String }, ["EmployeeCreated", "EmployeeUpdated"])
        XCTAssertEqual(events.map { $0["version"] as? Int }, [1, 2])
        let update = events[1]
        XCTAssertEqual(update["principal"] as? String, "employee:\(admin)")
        XCTAssertEqual(update["request_id"] as? String, patched.header("X-Request-ID"))
        XCTAssertTrue((update["scopes"] as? [String])?.contains("admin:write") == true, "\(update)")
        let data = try XCTUnwrap(update["data"] as? [String: Any])
        let change = try XCTUnwrap(data["last_name"] as? [String: String])
        XCTAssertEqual(change, ["previous": "Simmel", "new": "Simmelsen"])
        let recordedAt = try XCTUnwrap(update["recorded_at"] as? String)
        XCTAssertNotNil(
            recordedAt.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"#, options: .regularExpression), recordedAt)
        XCTAssertEqual((update["hash"] as? String)?.count, 64)

        let unknown = try await client.json("GET", "/employees/999999/history", token: token)
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.header("Content-Type"), "application/problem+json")
        let withoutAudit = try await client.json("GET", "/employees/\(empNo)/history", token: adminToken)
        XCTAssertEqual(withoutAudit.status, 403, "admin:write does not imply audit:read")
        let anonymous = try await client.json("GET", "/employees/\(empNo)/history")
        XCTAssertEqual(anonymous.status, 401)
    }

    func testTheLogIsPagedInPositionOrderWithTheChainHead() async throws {
        let token = try await auditorToken()  // positions 1 (created) and 2 (scope granted)
        try await harness.makeEmployee(email: "second@example.com", scopes: [.userRead])  // 3, 4
        try await harness.makeEmployee(email: "third@example.com")  // 5
        let head = try await harness.service.context.pool.withConnection { connection in
            try EventReader.head(on: connection)
        }
        XCTAssertEqual(head.position, 5)
        let hexHead = head.hash.map { String(format: "%02x", $0) }.joined()

        let first = try await client.json("GET", "/events?limit=2", token: token)
        XCTAssertEqual(first.status, 200, first.text)
        let firstEvents = try XCTUnwrap(first.json["events"] as? [[String: Any]])
        XCTAssertEqual(firstEvents.map { $0["position"] as? Int }, [1, 2])
        XCTAssertEqual(firstEvents.map { $0["type"] as? String }, ["EmployeeCreated", "ScopeGranted"])
        XCTAssertEqual(firstEvents[0]["principal"] as? String, "system")
        XCTAssertEqual(first.json["next_after"] as? Int, 2)
        let headView = try XCTUnwrap(first.json["head"] as? [String: Any])
        XCTAssertEqual(headView["position"] as? Int, 5)
        XCTAssertEqual(headView["hash"] as? String, hexHead)

        let rest = try await client.json("GET", "/events?after=2", token: token)
        let restEvents = try XCTUnwrap(rest.json["events"] as? [[String: Any]])
        XCTAssertEqual(restEvents.map { $0["position"] as? Int }, [3, 4, 5])
        XCTAssertEqual(restEvents.last?["hash"] as? String, hexHead, "the last event's hash is the head")
        XCTAssertTrue(rest.json["next_after"] is NSNull, "the page reached the head: nothing more to read")

        let past = try await client.json("GET", "/events?after=5", token: token)
        XCTAssertEqual((past.json["events"] as? [Any])?.count, 0)
        XCTAssertTrue(past.json["next_after"] is NSNull, "caught up: a client paging to the end stops")
        let exactlyToTheHead = try await client.json("GET", "/events?after=3&limit=2", token: token)
        XCTAssertTrue(exactlyToTheHead.json["next_after"] is NSNull, "a full page that ends at the head is the end too")

        for query in ["limit=0", "limit=1001", "after=-1", "after=x", "limit=2&limit=3"] {
            let bad = try await client.json("GET", "/events?\(query)", token: token)
            XCTAssertEqual(bad.status, 400, query)
            XCTAssertEqual(bad.header("Content-Type"), "application/problem+json", query)
        }
        let maximum = try await client.json("GET", "/events?limit=1000", token: token)
        XCTAssertEqual(maximum.status, 200)
    }

    func testTheStreamCatchesUpThenDeliversLiveEventsAndStopsWhenTheClientLeaves() async throws {
        let token = try await auditorToken()  // positions 1, 2
        let metrics = harness.service.context.monitoring.requests
        let connection = try StreamingTestConnection.open(
            port: harness.client.port, path: "/events/stream?after=1", headers: [("Authorization", "Bearer \(token)")])
        var reader = ChunkedResponseReader()
        func read(until condition: (ChunkedResponseReader) -> Bool, within timeout: Duration) async -> Bool {
            let deadline = ContinuousClock.now + timeout
            while !condition(reader) {
                let left = deadline - ContinuousClock.now
                guard left > .zero, let bytes = await connection.receive(timeout: left) else { return condition(reader) }
                reader.consume(bytes)
            }
            return true
        }

        let caughtUp = await read(until: { $0.lines.count >= 1 }, within: .seconds(10))
        XCTAssertTrue(caughtUp, "catch-up from after=1 delivers position 2")
        let head = try XCTUnwrap(reader.head)
        XCTAssertTrue(head.hasPrefix("HTTP/1.1 200"), head)
        XCTAssertTrue(head.lowercased().contains("content-type: application/x-ndjson"), head)
        XCTAssertTrue(head.lowercased().contains("transfer-encoding: chunked"), head)
        let first = try JSONSerialization.jsonObject(with: Data(reader.lines[0].utf8)) as? [String: Any]
        XCTAssertEqual(first?["position"] as? Int, 2)
        XCTAssertEqual(first?["type"] as? String, "ScopeGranted")
        XCTAssertEqual(metrics.snapshot.openEventStreams, 1)

        try await harness.makeEmployee(email: "live@example.com")  // position 3, committed now
        let live = await read(until: { $0.lines.count >= 2 }, within: .seconds(1))
        XCTAssertTrue(live, "a committed event reaches a following client within a second")
        if reader.lines.count >= 2 {
            let second = try JSONSerialization.jsonObject(with: Data(reader.lines[1].utf8)) as? [String: Any]
            XCTAssertEqual(second?["position"] as? Int, 3)
            XCTAssertEqual(second?["type"] as? String, "EmployeeCreated")
        }

        connection.close()
        let stopped = await eventually(timeout: .seconds(5)) { metrics.snapshot.openEventStreams == 0 }
        XCTAssertTrue(stopped, "the server stops following once the client has left")
        try await harness.makeEmployee(email: "after@example.com")
        XCTAssertEqual(metrics.snapshot.openEventStreams, 0)

        let refused = try await client.send("GET", "/events/stream")
        XCTAssertEqual(refused.status, 401)
        let badCursor = try await client.send("GET", "/events/stream?after=-5", headers: [("Authorization", "Bearer \(token)")])
        XCTAssertEqual(badCursor.status, 400)
    }

    func testSecurityLogIsPagedByIDAndRecordsDenials() async throws {
        let token = try await auditorToken()
        let reader = try await harness.makeEmployee(email: "reader@example.com", scopes: [.userRead])
        let readerToken = try harness.token(for: reader, scopes: [.userRead])
        for _ in 0..<3 {
            let denied = try await client.json("GET", "/events", token: readerToken)
            XCTAssertEqual(denied.status, 403)
        }
        await harness.service.context.securityLog.flush()

        let first = try await client.json("GET", "/audit/security-log?limit=2", token: token)
        XCTAssertEqual(first.status, 200, first.text)
        let entries = try XCTUnwrap(first.json["entries"] as? [[String: Any]])
        XCTAssertEqual(entries.count, 2)
        let entry = entries[0]
        XCTAssertEqual(entry["kind"] as? String, "access_denied")
        XCTAssertEqual(entry["principal"] as? String, "employee:\(reader)")
        XCTAssertEqual(entry["reason"] as? String, "insufficient_scope:listEvents")
        XCTAssertEqual(entry["client_address"] as? String, "127.0.0.1")
        XCTAssertTrue(entry["attempted_username"] is NSNull, "every member is present, null when absent")
        XCTAssertNotNil(entry["request_id"] as? String)
        XCTAssertNotNil(entry["recorded_at"] as? String)
        let firstID = try XCTUnwrap(entry["id"] as? Int)
        XCTAssertEqual(entries[1]["id"] as? Int, firstID + 1)
        let cursor = try XCTUnwrap(first.json["next_after"] as? Int)

        let rest = try await client.json("GET", "/audit/security-log?after=\(cursor)", token: token)
        let restEntries = try XCTUnwrap(rest.json["entries"] as? [[String: Any]])
        XCTAssertEqual(restEntries.count, 1)
        XCTAssertGreaterThan(restEntries[0]["id"] as? Int ?? 0, cursor)

        let badLimit = try await client.json("GET", "/audit/security-log?limit=5000", token: token)
        XCTAssertEqual(badLimit.status, 400)
        let refused = try await client.json("GET", "/audit/security-log", token: readerToken)
        XCTAssertEqual(refused.status, 403)
    }
}
