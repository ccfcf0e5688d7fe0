import Employees
import EventStore
import Foundation

/// Maps the domain's events to the log's envelopes and back: the one place where an employee event becomes JSON.
public enum EmployeeEventCodec {
    public static func streamID(_ empNo: EmployeeNumber) -> StreamID {
        StreamID("employee-\(empNo.value)")
    }

    public static func newEvent(_ event: EmployeeEvent, id: UUID = UUID()) -> NewEvent {
        NewEvent(id: id, type: event.typeName, schemaVersion: event.schemaVersion, data: json(.object(event.payload)))
    }

    /// The employee number of an employee stream's id.
    public static func employeeNumber(of stream: StreamID) throws(EmployeeRejection) -> Int {
        let prefix = "employee-"
        guard stream.rawValue.hasPrefix(prefix), let number = Int(stream.rawValue.dropFirst(prefix.count)) else {
            throw .notAnEmployeeStream
        }
        return number
    }

    /// The stored members of a version-1 `EmployeeCreated` of employee `empNo` with exactly the seven members
    /// schema 1 writes; nil for any other event, which then folds through the domain.
    static func createdFields(_ event: RecordedEvent, empNo: Int) -> CreatedEventFields? {
        guard event.type == "EmployeeCreated", event.streamVersion == 1,
            let firstName = event.data["first_name"]?.stringValue, let lastName = event.data["last_name"]?.stringValue,
            let birthDate = event.data["birth_date"]?.stringValue, let gender = event.data["gender"]?.stringValue,
            let hireDate = event.data["hire_date"]?.stringValue, let email = event.data["email"]?.stringValue,
            event.data["emp_no"]?.intValue == Int64(empNo), case .object(let members) = event.data, members.count == 7
        else { return nil }
        return CreatedEventFields(
            firstName: firstName, lastName: lastName, birthDate: birthDate, gender: gender, hireDate: hireDate, email: email)
    }

    /// The domain event held by a recorded event of an employee stream.
    public static func domainEvent(_ recorded: RecordedEvent) throws -> EmployeeEvent {
        guard case .object(let members) = recorded.data else { throw EnvelopeError.notAnObject(recorded.type) }
        var payload: [String: EventValue] = [:]
        for (key, value) in members { payload[key] = try eventValue(value, type: recorded.type) }
        return try EmployeeEvent(typeName: recorded.type, schemaVersion: recorded.schemaVersion, payload: payload)
    }

    private static func json(_ value: EventValue) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .integer(let number): .int(Int64(number))
        case .object(let members): .object(members.mapValues(json))
        }
    }

    private static func eventValue(_ value: JSONValue, type: String) throws -> EventValue {
        switch value {
        case .string(let text): return .string(text)
        case .int(let number):
            guard let integer = Int(exactly: number) else { throw EnvelopeError.unsupportedValue(type) }
            return .integer(integer)
        case .object(let members): return .object(try members.mapValues { try eventValue($0, type: type) })
        case .null, .bool, .array: throw EnvelopeError.unsupportedValue(type)
        }
    }

    public enum EnvelopeError: Error {
        case notAnObject(String)
        case unsupportedValue(String)
    }
}
