import Employees
import XCTest

final class EventPayloadTests: XCTestCase {
    private var everyKindOfEvent: [EmployeeEvent] {
        get throws {
            [
                .created(georgiCreated),
                .updated(
                    EmployeeUpdated(
                        firstName: FieldChange(previous: try FirstName("Georgi"), new: try FirstName("Georgy")),
                        hireDate: FieldChange(previous: date("1986-06-26"), new: date("1987-07-27")))),
                .scopeGranted(ScopeGranted(scope: "employees:read")),
                .scopeRevoked(ScopeRevoked(scope: "employees:read")),
                .disabled(EmployeeDisabled()),
                .enabled(EmployeeEnabled()),
                .passwordChanged(PasswordChanged()),
            ]
        }
    }

    func testTypeNamesAndSchemaVersionAreStable() throws {
        XCTAssertEqual(
            try everyKindOfEvent.map(\.typeName),
            [
                "EmployeeCreated", "EmployeeUpdated", "ScopeGranted", "ScopeRevoked", "EmployeeDisabled",
                "EmployeeEnabled", "PasswordChanged",
            ])
        XCTAssertEqual(try everyKindOfEvent.map(\.typeName), EmployeeEvent.typeNames)
        XCTAssertEqual(try Set(everyKindOfEvent.map(\.schemaVersion)), [1])
    }

    func testCreatedPayloadUsesTheOriginalFieldNames() {
        XCTAssertEqual(
            EmployeeEvent.created(georgiCreated).payload,
            [
                "emp_no": .integer(10001), "first_name": .string("Georgi"), "last_name": .string("Facello"),
                "birth_date": .string("1953-09-02"), "gender": .string("M"), "hire_date": .string("1986-06-26"),
                "email": .string("georgi.facello.10001@gmail.com"),
            ])
    }

    func testUpdatedPayloadHoldsOnlyChangedFieldsWithPreviousAndNew() throws {
        let event = EmployeeEvent.updated(EmployeeUpdated(gender: FieldChange(previous: .male, new: .female)))
        XCTAssertEqual(event.payload, ["gender": .object(["previous": .string("M"), "new": .string("F")])])
    }

    func testPasswordChangedCarriesNothing() {
        XCTAssertEqual(EmployeeEvent.passwordChanged(PasswordChanged()).payload, [:])
    }

    func testEveryEventRoundTrips() throws {
        for event in try everyKindOfEvent {
            let decoded = try EmployeeEvent(
                typeName: event.typeName, schemaVersion: event.schemaVersion, payload: event.payload)
            XCTAssertEqual(decoded, event)
        }
    }

    func testDecodingIgnoresDateRulesThatDependOnToday() throws {
        var payload = EmployeeEvent.created(georgiCreated).payload
        payload["hire_date"] = .string("2090-01-01")
        guard
            case .created(let created) = try EmployeeEvent(
                typeName: "EmployeeCreated", schemaVersion: 1, payload: payload)
        else { return XCTFail("expected a creation") }
        XCTAssertEqual(created.hireDate, date("2090-01-01"))
    }

    func testDecodingErrorsNameTheProblem() {
        let created = EmployeeEvent.created(georgiCreated).payload
        func decodingError(_ type: String, _ version: Int, _ payload: [String: EventValue]) -> EventDecodingError? {
            do {
                _ = try EmployeeEvent(typeName: type, schemaVersion: version, payload: payload)
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(decodingError("EmployeeFired", 1, [:]), .unknownType("EmployeeFired"))
        XCTAssertEqual(
            decodingError("EmployeeCreated", 2, created), .unsupportedSchemaVersion(type: "EmployeeCreated", version: 2)
        )
        XCTAssertEqual(
            decodingError("EmployeeCreated", 1, created.filter { $0.key != "email" }), .missingField("email"))
        XCTAssertEqual(
            decodingError("EmployeeCreated", 1, created.merging(["emp_no": .string("10001")]) { $1 }),
            .invalidField("emp_no"))
        XCTAssertEqual(
            decodingError("EmployeeCreated", 1, created.merging(["emp_no": .integer(0)]) { $1 }),
            .invalidField("emp_no"))
        XCTAssertEqual(
            decodingError("EmployeeCreated", 1, created.merging(["birth_date": .string("2/9/1953")]) { $1 }),
            .invalidField("birth_date"))
        XCTAssertEqual(
            decodingError("EmployeeCreated", 1, created.merging(["first_name": .string("")]) { $1 }),
            .invalidField("first_name"))
        XCTAssertEqual(decodingError("EmployeeUpdated", 1, [:]), .missingField("changes"))
        XCTAssertEqual(
            decodingError("EmployeeUpdated", 1, ["gender": .object(["previous": .string("M")])]),
            .invalidField("gender"))
        XCTAssertEqual(decodingError("EmployeeUpdated", 1, ["gender": .string("F")]), .invalidField("gender"))
        XCTAssertEqual(decodingError("ScopeGranted", 1, [:]), .missingField("scope"))
        XCTAssertEqual(decodingError("ScopeRevoked", 1, ["scope": .integer(3)]), .invalidField("scope"))
    }
}
