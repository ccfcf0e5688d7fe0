import Employees
import EventStore
import Foundation
import Postgres
import TestSupport
import XCTest

@testable import Records

/// The employees projection on its own: the rows each event implies, its refusals as the event store carries them,
/// and stream ids it does not own.
final class EmployeeProjectionTests: XCTestCase {
    private var pool: PostgresPool!
    private var appender: BatchingAppender!

    override func setUp() async throws {
        let database = try MigratedDatabase.make(prefix: "projection")
        pool = PostgresPool(configuration: database.app, maximumConnections: 4)
        appender = BatchingAppender(pool: pool, projections: [EmployeeProjection()])
    }

    override func tearDown() async throws {
        await pool?.shutdown()
    }

    private func created(_ number: Int, email: String) throws -> AppendRequest {
        let profile = try EmployeeProfile(
            validating: EmployeeFields(
                firstName: "Anneke", lastName: "Preusig", birthDate: "1953-04-20", gender: "F", hireDate: "1989-06-02",
                email: email),
            today: CalendarDate(year: 2025, month: 1, day: 1)!)
        let empNo = EmployeeNumber(number)!
        let event = EmployeeEvent.created(EmployeeCreated(empNo: empNo, profile: profile))
        return AppendRequest(
            stream: EmployeeEventCodec.streamID(empNo), expectedVersion: .noStream,
            events: [EmployeeEventCodec.newEvent(event)], metadata: Actor.system().metadata)
    }

    private func row(_ empNo: Int) async throws -> (email: String, version: Int, disabled: Bool)? {
        try await pool.withConnection { connection in
            try connection.query("SELECT email, version, disabled FROM employees WHERE emp_no = \(empNo)").first.map {
                (try $0.decode(String.self, column: 0), try $0.decode(Int.self, column: 1), try $0.decode(Bool.self, column: 2))
            }
        }
    }

    func testEachEventChangesItsRowInTheAppendingTransaction() async throws {
        _ = try await appender.append(try created(10_001, email: "anneke@example.com"))
        var stored = try await row(10_001)
        XCTAssertEqual(stored?.email, "anneke@example.com")
        XCTAssertEqual(stored?.version, 1)
        XCTAssertEqual(stored?.disabled, false)

        let disable = AppendRequest(
            stream: StreamID("employee-10001"), expectedVersion: .exactly(1),
            events: [EmployeeEventCodec.newEvent(.disabled(EmployeeDisabled()))], metadata: Actor.system().metadata)
        _ = try await appender.append(disable)
        stored = try await row(10_001)
        XCTAssertEqual(stored?.version, 2)
        XCTAssertEqual(stored?.disabled, true)
    }

    func testATakenEmailRefusesThatRequestAloneAsEmailTaken() async throws {
        _ = try await appender.append(try created(10_002, email: "same@example.com"))
        let second = try created(10_003, email: "Same@Example.com")
        do {
            _ = try await appender.append(second)
            XCTFail("the second row must be refused")
        } catch {
            guard case .rejected(let rejection) = error else { return XCTFail("expected a rejection, got \(error)") }
            XCTAssertEqual(EmployeeRejection(rejection), .emailTaken)
            XCTAssertEqual(rejection.field, "email")
        }
        let refused = try await row(10_003)
        XCTAssertNil(refused)
    }

    func testStreamIdsOfOtherKindsAreNotEmployees() {
        XCTAssertEqual(try EmployeeEventCodec.employeeNumber(of: StreamID("employee-42")), 42)
        XCTAssertThrowsError(try EmployeeEventCodec.employeeNumber(of: StreamID("order-42")))
        XCTAssertThrowsError(try EmployeeProjection.employeeNumber(of: StreamID("employee-x"))) { error in
            XCTAssertEqual((error as? ProjectionRejection).flatMap(EmployeeRejection.init), .notAnEmployeeStream)
        }
    }
}
