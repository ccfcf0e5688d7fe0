import Employees
import XCTest

/// The day every test treats as today, so that date rules never depend on the clock.
let today = date("2025-06-15")

func date(_ iso: String, file: StaticString = #filePath, line: UInt = #line) -> CalendarDate {
    do {
        return try CalendarDate(iso: iso)
    } catch {
        XCTFail("bad test date \(iso)", file: file, line: line)
        return CalendarDate(year: 2000, month: 1, day: 1)!
    }
}

let georgiNumber = EmployeeNumber(10001)!

/// Row 10001 of the sample, with the seed's derived email.
let georgiFields = EmployeeFields(
    firstName: "Georgi", lastName: "Facello", birthDate: "1953-09-02", gender: "M", hireDate: "1986-06-26",
    email: "georgi.facello.10001@gmail.com")

let georgiCreated = EmployeeCreated(
    empNo: georgiNumber, firstName: try! FirstName("Georgi"), lastName: try! LastName("Facello"),
    birthDate: date("1953-09-02"), gender: .male, hireDate: date("1986-06-26"),
    email: try! EmailAddress("georgi.facello.10001@gmail.com"))

/// Given these past events, when this command is decided, then expect these events.
func assertDecides(
    given history: [EmployeeEvent], when command: EmployeeCommand, then expected: [EmployeeEvent],
    today: CalendarDate = today, file: StaticString = #filePath, line: UInt = #line
) {
    do {
        let events = try decide(EmployeeState(replaying: history), command, today: today)
        XCTAssertEqual(events, expected, file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

/// Given these past events, when this command is decided, then expect this error.
func assertRejects(
    given history: [EmployeeEvent], when command: EmployeeCommand, then expected: EmployeeError,
    today: CalendarDate = today, file: StaticString = #filePath, line: UInt = #line
) {
    do {
        let events = try decide(EmployeeState(replaying: history), command, today: today)
        XCTFail("expected \(expected), got events \(events)", file: file, line: line)
    } catch {
        XCTAssertEqual(error, expected, file: file, line: line)
    }
}

/// Given these past events, when this command is decided, then expect exactly these field errors.
func assertInvalid(
    given history: [EmployeeEvent], when command: EmployeeCommand, then expected: [FieldError],
    today: CalendarDate = today, file: StaticString = #filePath, line: UInt = #line
) {
    assertRejects(
        given: history, when: command, then: .invalid(ValidationErrors(expected)), today: today, file: file,
        line: line)
}
