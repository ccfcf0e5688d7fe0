import Employees
import EventStore
import Postgres
import TestSupport
import XCTest

@testable import Records

/// The write path on its own, against a real PostgreSQL: load, decide, append through the batching appender with the
/// employees projection inline, and the typed errors a caller maps.
final class EmployeeCommandServiceTests: XCTestCase {
    private var pool: PostgresPool!
    private var commands: EmployeeCommandService!

    override func setUp() async throws {
        let database = try MigratedDatabase.make(prefix: "commands")
        pool = PostgresPool(configuration: database.app, maximumConnections: 4)
        let appender = BatchingAppender(pool: pool, projections: [EmployeeProjection()])
        commands = EmployeeCommandService(pool: pool, appender: appender) { CalendarDate(year: 2025, month: 6, day: 15)! }
    }

    override func tearDown() async throws {
        await pool?.shutdown()
    }

    private func fields(email: String) -> EmployeeFields {
        EmployeeFields(
            firstName: "Georgi", lastName: "Facello", birthDate: "1953-09-02", gender: "M", hireDate: "1986-06-26",
            email: email)
    }

    func testCreateAppendsOneEventAndTheProjectionHoldsTheRowAtOnce() async throws {
        let outcome = try await commands.create(fields(email: "georgi@example.com"), passwordHash: nil, by: .system())
        XCTAssertEqual(outcome.events.map(\.type), ["EmployeeCreated"])
        XCTAssertEqual(outcome.version, 1)
        let record = try await EmployeeQueries(pool: pool).employee(outcome.empNo.value)
        XCTAssertEqual(record?.email, "georgi@example.com")
        XCTAssertEqual(record?.version, 1)
    }

    func testAStaleExpectedVersionIsAVersionMismatchNamingTheCurrentOne() async throws {
        let created = try await commands.create(fields(email: "stale@example.com"), passwordHash: nil, by: .system())
        _ = try await commands.execute(.grantScope("user:read"), on: created.empNo, by: .system())
        do {
            _ = try await commands.execute(
                .update(EmployeeChanges(lastName: "Other")), on: created.empNo, by: .system(), expectedVersion: 1)
            XCTFail("a stale version must be refused")
        } catch {
            guard case .versionMismatch(let current) = error else { return XCTFail("expected versionMismatch, got \(error)") }
            XCTAssertEqual(current, 2)
        }
    }

    func testATakenEmailIsTheTypedEmailTakenErrorWhateverItsCase() async throws {
        _ = try await commands.create(fields(email: "taken@example.com"), passwordHash: nil, by: .system())
        do {
            _ = try await commands.create(fields(email: "TAKEN@example.com"), passwordHash: nil, by: .system())
            XCTFail("the second employee must be refused")
        } catch {
            guard case .emailTaken = error else { return XCTFail("expected emailTaken, got \(error)") }
        }
    }

    func testACommandOnAnEmployeeThatDoesNotExistIsNotFound() async throws {
        do {
            _ = try await commands.execute(.disable, on: EmployeeNumber(999_999)!, by: .system())
            XCTFail("no employee 999999")
        } catch {
            guard case .notFound = error else { return XCTFail("expected notFound, got \(error)") }
        }
    }

    func testANoOpCommandAppendsNothingAndKeepsTheVersion() async throws {
        let created = try await commands.create(fields(email: "noop@example.com"), passwordHash: nil, by: .system())
        let granted = try await commands.execute(.grantScope("user:read"), on: created.empNo, by: .system())
        let again = try await commands.execute(.grantScope("user:read"), on: created.empNo, by: .system())
        XCTAssertTrue(again.events.isEmpty)
        XCTAssertEqual(again.version, granted.version)
    }
}
