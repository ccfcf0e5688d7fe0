import CivilTime
import Foundation
import Postgres
import Security
import TestSupport
import XCTest

@testable import App

/// The security review's medium and low findings, through HTTP: invisible and reordering text in names, Unicode
/// normalization, strict instants, and the headers that keep browsers and caches from mishandling answers.
final class InputHardeningTests: ServiceTestCase {
    private func newEmployee(firstName: String, lastName: String = "Simmel", email: String) -> [String: Any] {
        [
            "first_name": firstName, "last_name": lastName, "birth_date": "1964-06-02", "gender": "F",
            "hire_date": "1985-11-21", "email": email,
        ]
    }

    func testNamesWithBidiControlsOrNothingVisibleAreRefusedAndNothingIsAppended() async throws {
        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminWrite])
        let token = try harness.token(for: admin, scopes: [.adminWrite])
        let eventsBefore = try await eventCount()
        for (name, message) in [
            ("Ann\u{202E}a", "contains characters that are not allowed"),
            ("\u{2067}Bob", "contains characters that are not allowed"),
            ("\u{200B}\u{200B}", "must contain a visible character"),
            ("\u{200C}\u{200D}\u{2060}", "must contain a visible character"),
        ] {
            let created = try await client.json(
                "POST", "/employees", token: token, body: newEmployee(firstName: name, email: "x@example.com"))
            XCTAssertEqual(created.status, 422, created.text)
            XCTAssertTrue(created.text.contains("\"field\":\"first_name\""), created.text)
            XCTAssertTrue(created.text.contains(message), created.text)
        }
        let target = try await harness.makeEmployee(email: "target@example.com")
        let afterTarget = try await eventCount()
        let patched = try await client.json("PATCH", "/employees/\(target)", token: token, body: ["last_name": "Smith\u{202E}"])
        XCTAssertEqual(patched.status, 422, patched.text)
        let eventsAfter = try await eventCount()
        XCTAssertEqual(eventsAfter, afterTarget, "a refused update appends nothing")
        XCTAssertEqual(afterTarget - eventsBefore, 1, "only the harness's own creation was appended")
    }

    /// "José" typed with a combining accent and with a precomposed "é" is one name: stored in NFC, found by either.
    func testNamesAreStoredInNFCSoTheSameNameTypedTwiceIsEqual() async throws {
        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminWrite])
        let token = try harness.token(for: admin, scopes: [.adminWrite])
        let decomposed = "Jose\u{301}"
        let created = try await client.json(
            "POST", "/employees", token: token,
            body: newEmployee(firstName: decomposed, lastName: "Nu\u{303}n\u{303}ez", email: "jose@example.com"))
        XCTAssertEqual(created.status, 201, created.text)
        let empNo = try XCTUnwrap(created.json["emp_no"] as? Int)
        let stored = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT first_name, last_name FROM employees WHERE emp_no = \(empNo)").first.map {
                (try $0.decode(String.self, column: 0), try $0.decode(String.self, column: 1))
            }
        }
        XCTAssertEqual(stored.map { Array($0.0.unicodeScalars) }, Array("Jos\u{E9}".unicodeScalars))
        XCTAssertEqual(stored.map { Array($0.1.unicodeScalars) }, Array("N\u{169}\u{F1}ez".unicodeScalars))
        let logged = try await harness.service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT count(*) FROM events WHERE stream_id = \("employee-\(empNo)") AND data ->> 'first_name' = \("Jos\u{E9}")"
            ).first!.decode(Int.self, column: 0)
        }
        XCTAssertEqual(logged, 1, "the event holds the normalized text too")
        for typed in ["%25Jos%C3%A9%25", "%25Jose%CC%81%25"] {
            let found = try await client.json("GET", "/employees?first_name=\(typed)", token: token)
            XCTAssertEqual(found.status, 200, found.text)
            XCTAssertEqual((found.json["items"] as? [[String: Any]])?.compactMap { $0["emp_no"] as? Int }, [empNo], typed)
        }
    }

    func testAsOfIsParsedStrictlyAsRFC3339() async throws {
        let user = try await harness.makeEmployee(email: "me@example.com", scopes: [.userRead])
        let token = try harness.token(for: user, scopes: [.userRead])
        for invalid in [
            "2027-02-30T00:00:00Z", "2026-01-01T25:00:00Z", "2026-01-01T12:60:00Z", "2026-01-01T12:00:60Z", "2026-13-01",
            "2026-01-01T12:00:00", "2026-01-01 12:00:00Z", "2026-01-01T12:00:00.Z", "2026-01-01T12:00:00+2:00",
            "2026-01-01T12:00:00+24:00", "2026-1-1", "20260101", "2026-01-01T12:00Z", "now",
        ] {
            let encoded = invalid.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let response = try await client.json("GET", "/employees/\(user)?as_of=\(encoded)", token: token)
            XCTAssertEqual(response.status, 400, "\(invalid): \(response.text)")
            XCTAssertTrue(response.text.contains("\"field\":\"as_of\""), response.text)
        }
        for valid in [
            "2099-01-01T12:00:00Z", "2099-01-01T12:00:00.123456+02:00", "2099-01-01t12:00:00z", "2099-01-01",
            "2024-02-29T00:00:00-05:30",
        ] {
            let encoded = valid.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let response = try await client.json("GET", "/employees/\(user)?as_of=\(encoded)", token: token)
            XCTAssertNotEqual(response.status, 400, "\(valid): \(response.text)")
        }
    }

    func testTheParserComputesTheInstantWithItsOffsetAndFraction() throws {
        let expected = Date(timeIntervalSince1970: 1_714_564_800.25)  // 2024-05-01T12:00:00.25Z
        XCTAssertEqual(ISO8601.date(from: "2024-05-01T12:00:00.25Z"), expected)
        XCTAssertEqual(ISO8601.date(from: "2024-05-01T14:00:00.250+02:00"), expected)
        XCTAssertEqual(ISO8601.date(from: "2024-05-01T10:30:00.25-01:30"), expected)
        XCTAssertEqual(ISO8601.date(from: "2024-05-01"), Date(timeIntervalSince1970: 1_714_521_600))
        XCTAssertEqual(ISO8601.date(from: "2024-02-29T00:00:00Z"), Date(timeIntervalSince1970: 1_709_164_800))
        XCTAssertNil(ISO8601.date(from: "2023-02-29T00:00:00Z"))
    }

    func testEveryResponseSaysNosniffAndPersonalDataIsNeverStored() async throws {
        let user = try await harness.makeEmployee(email: "me@example.com", scopes: [.userRead, .auditRead])
        let token = try harness.token(for: user, scopes: [.userRead, .auditRead])
        for path in ["/employees/\(user)", "/me", "/employees/\(user)/history"] {
            let response = try await client.json("GET", path, token: token)
            XCTAssertEqual(response.header("X-Content-Type-Options"), "nosniff", path)
            XCTAssertEqual(response.header("Cache-Control"), "no-store", path)
            XCTAssertEqual(response.header("Vary"), "Authorization", path)
        }
        for path in ["/healthz", "/openapi.json", "/no/such/path"] {
            let response = try await client.json("GET", path)
            XCTAssertEqual(response.header("X-Content-Type-Options"), "nosniff", path)
            XCTAssertNotEqual(response.header("Vary"), "Authorization", "\(path) is the same for everyone")
        }
        let unauthenticated = try await client.json("GET", "/employees/\(user)")
        XCTAssertEqual(unauthenticated.status, 401)
        XCTAssertEqual(unauthenticated.header("X-Content-Type-Options"), "nosniff")
        let malformed = try await client.send("GET", "/employees/\(user)", headers: [("Host", "a"), ("Host", "b")])
        XCTAssertEqual(malformed.status, 400)
        XCTAssertEqual(malformed.header("X-Content-Type-Options"), "nosniff", "even the parser's own problems")
    }

    private func eventCount() async throws -> Int {
        try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT count(*) FROM events").first!.decode(Int.self, column: 0)
        }
    }
}
