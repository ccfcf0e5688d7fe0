import Foundation
import Postgres
import Security
import TestSupport
import XCTest

@testable import App

/// Reporting jobs connect as `reporting` (sql/0004, sql/0007): they read the views of the `reporting` schema and
/// nothing else, and cannot write anything.
final class ReportingRoleTests: ServiceTestCase {
    /// A connection to the service's database as the reporting role, over the test cluster's socket.
    private func connectAsReporting() throws -> PostgresConnection {
        var configuration = harness.database
        configuration.user = "reporting"
        configuration.additionalParameters["options"] = nil
        return try PostgresConnection.connect(to: configuration)
    }

    private func assertRefused(
        _ statement: String, on connection: PostgresConnection, code: PostgresError.Code = .insufficientPrivilege,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            _ = try connection.query(PostgresQuery(unsafeSQL: statement))
            XCTFail("reporting was allowed: \(statement)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.code, code, "\(statement): \(error.debugDescription)", file: file, line: line)
        }
    }

    func testReportingReadsEveryViewAndNothingElse() async throws {
        try await harness.makeEmployee(email: "first@example.com", scopes: [.adminRead])
        try await harness.makeEmployee(email: "second@example.com")

        let connection = try connectAsReporting()
        XCTAssertEqual(try connection.query("SELECT current_user::text").first?.decode(String.self, column: 0), "reporting")
        let views = try connection.query(
            "SELECT table_name::text FROM information_schema.views WHERE table_schema = 'reporting' ORDER BY 1"
        ).map { try $0.decode(String.self, column: 0) }
        XCTAssertEqual(
            Set(["employees", "scope_assignments", "headcount_by_hire_year_and_gender", "changes_per_day"]).subtracting(views),
            [],
            "every view of sql/0004 is there")
        for view in views {
            XCTAssertNoThrow(try connection.query(PostgresQuery(unsafeSQL: "SELECT * FROM reporting.\(view)")), view)
        }
        XCTAssertEqual(try connection.query("SELECT count(*) FROM reporting.employees").first?.decode(Int.self, column: 0), 2)
        XCTAssertEqual(
            try connection.query("SELECT scope FROM reporting.scope_assignments").first?.decode(String.self, column: 0),
            "admin:read")
        XCTAssertEqual(
            try connection.query("SELECT sum(headcount)::int FROM reporting.headcount_by_hire_year_and_gender").first?
                .decode(Int.self, column: 0), 2)
        XCTAssertEqual(
            try connection.query("SELECT sum(events)::int FROM reporting.changes_per_day").first?.decode(Int.self, column: 0), 3)

        for table in [
            "employees", "events", "credentials", "refresh_tokens", "security_log", "employee_scopes", "revoked_access_tokens",
            "event_log_head", "streams", "projection_checkpoints", "schema_migrations",
        ] {
            assertRefused("SELECT 1 FROM public.\(table) LIMIT 1", on: connection)
        }
    }

    func testReportingCannotWriteOrCreate() async throws {
        try await harness.makeEmployee(email: "first@example.com")
        let connection = try connectAsReporting()
        XCTAssertEqual(try connection.query("SHOW default_transaction_read_only").first?.decode(String.self, column: 0), "on")
        let readOnly = PostgresError.Code(rawValue: "25006")
        assertRefused("CREATE TEMPORARY TABLE scratch (a int)", on: connection, code: readOnly)

        try connection.execute("SET default_transaction_read_only = off")
        assertRefused("UPDATE reporting.employees SET first_name = 'X'", on: connection)
        assertRefused("DELETE FROM reporting.employees", on: connection)
        assertRefused("INSERT INTO public.events (position) VALUES (1)", on: connection)
        assertRefused("CREATE TABLE public.scratch (a int)", on: connection)
        assertRefused("CREATE TABLE reporting.scratch (a int)", on: connection)
        assertRefused("SELECT nextval('employee_numbers')", on: connection)
    }

    func testAViewAddedByALaterMigrationIsReadableWithoutItsOwnGrant() async throws {
        let owner = try PostgresConnection.connect(to: harness.database)
        try owner.execute("CREATE VIEW reporting.later_view AS SELECT count(*) AS employees FROM public.employees")
        let connection = try connectAsReporting()
        XCTAssertEqual(
            try connection.query("SELECT employees::int FROM reporting.later_view").first?.decode(Int.self, column: 0), 0)
    }
}
