import Employees
import XCTest

final class EvolveTests: XCTestCase {
    func testNoEventsMeanNoEmployee() {
        XCTAssertEqual(EmployeeState(replaying: []), .absent)
        XCTAssertNil(EmployeeState.absent.employee)
    }

    func testCreationStartsEnabledWithoutScopesOrPassword() throws {
        let employee = try XCTUnwrap(EmployeeState(replaying: [.created(georgiCreated)]).employee)
        XCTAssertEqual(employee.empNo, georgiNumber)
        XCTAssertEqual(employee.firstName.value, "Georgi")
        XCTAssertEqual(employee.lastName.value, "Facello")
        XCTAssertEqual(employee.birthDate, date("1953-09-02"))
        XCTAssertEqual(employee.gender, .male)
        XCTAssertEqual(employee.hireDate, date("1986-06-26"))
        XCTAssertEqual(employee.email.value, "georgi.facello.10001@gmail.com")
        XCTAssertEqual(employee.scopes, [])
        XCTAssertFalse(employee.isDisabled)
        XCTAssertFalse(employee.hasPassword)
    }

    func testFoldsAFullHistory() throws {
        let history: [EmployeeEvent] = [
            .created(georgiCreated),
            .passwordChanged(PasswordChanged()),
            .scopeGranted(ScopeGranted(scope: "employees:read")),
            .scopeGranted(ScopeGranted(scope: "employees:write")),
            .updated(
                EmployeeUpdated(
                    firstName: FieldChange(previous: try FirstName("Georgi"), new: try FirstName("Georgy")),
                    lastName: FieldChange(previous: try LastName("Facello"), new: try LastName("Facello-Smith")),
                    birthDate: FieldChange(previous: date("1953-09-02"), new: date("1953-09-03")),
                    gender: FieldChange(previous: .male, new: .female),
                    hireDate: FieldChange(previous: date("1986-06-26"), new: date("1987-07-27")))),
            .disabled(EmployeeDisabled()),
            .scopeRevoked(ScopeRevoked(scope: "employees:read")),
            .enabled(EmployeeEnabled()),
            .disabled(EmployeeDisabled()),
        ]
        let employee = try XCTUnwrap(EmployeeState(replaying: history).employee)
        XCTAssertEqual(employee.firstName.value, "Georgy")
        XCTAssertEqual(employee.lastName.value, "Facello-Smith")
        XCTAssertEqual(employee.birthDate, date("1953-09-03"))
        XCTAssertEqual(employee.gender, .female)
        XCTAssertEqual(employee.hireDate, date("1987-07-27"))
        XCTAssertEqual(employee.email, georgiCreated.email)
        XCTAssertEqual(employee.scopes, ["employees:write"])
        XCTAssertTrue(employee.isDisabled)
        XCTAssertTrue(employee.hasPassword)
    }

    func testFoldingDecidedEventsReachesAStateWhereTheSameCommandsChangeNothing() throws {
        let commands: [EmployeeCommand] = [
            .create(georgiNumber, georgiFields, withPassword: true), .grantScope("employees:read"), .disable,
            .update(EmployeeChanges(lastName: "Simmel")),
        ]
        var state = EmployeeState.absent
        for command in commands {
            state = try decide(state, command, today: today).reduce(state, evolve)
        }
        for command in commands.dropFirst() {
            XCTAssertEqual(try decide(state, command, today: today), [], "\(command)")
        }
        XCTAssertEqual(state.employee?.lastName.value, "Simmel")
    }

    func testEventsThatCannotApplyLeaveTheStateAlone() {
        XCTAssertEqual(evolve(.absent, .disabled(EmployeeDisabled())), .absent)
        var other = georgiCreated
        other.empNo = EmployeeNumber(10002)!
        let state = EmployeeState(replaying: [.created(georgiCreated)])
        XCTAssertEqual(evolve(state, .created(other)), state)
    }
}
