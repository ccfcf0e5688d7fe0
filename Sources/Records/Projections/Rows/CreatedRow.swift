import Employees
import EventStore

/// An employee whose stream so far holds only `EmployeeCreated` and `PasswordChanged` (what imports write), read
/// through `EmployeeEventCodec.createdFields` straight from the stored members: the values were validated when the event was made, and decoding them through
/// the domain again would cost more than writing the row. Any other shape folds through the domain.
struct CreatedRow {
    let fields: CreatedEventFields
    let schemaVersion: Int
    let createdAt: Int64
    private(set) var version: Int
    private(set) var updatedAt: Int64
    private(set) var passwordChanges = 0

    init?(_ event: RecordedEvent, empNo: Int) {
        guard let fields = EmployeeEventCodec.createdFields(event, empNo: empNo) else { return nil }
        self.fields = fields
        schemaVersion = event.schemaVersion
        createdAt = event.recordedAtMicroseconds
        version = event.streamVersion
        updatedAt = event.recordedAtMicroseconds
    }

    mutating func passwordChanged(_ event: RecordedEvent) {
        passwordChanges += 1
        version = event.streamVersion
        updatedAt = event.recordedAtMicroseconds
    }

    func append(to employees: inout EmployeeColumns, empNo: Int) {
        employees.empNos.append(Int32(empNo))
        employees.birthDates.append(fields.birthDate)
        employees.firstNames.append(fields.firstName)
        employees.lastNames.append(fields.lastName)
        employees.genders.append(fields.gender)
        employees.hireDates.append(fields.hireDate)
        employees.emails.append(fields.email)
        employees.disabled.append(false)
        employees.versions.append(Int32(version))
        employees.createdAt.append(createdAt)
        employees.updatedAt.append(updatedAt)
    }

    /// The same employee folded through the domain, for a stream that goes on with other events.
    func folded(empNo: Int) throws -> FoldedRow {
        let payload: [String: EventValue] = [
            "emp_no": .integer(empNo), "first_name": .string(fields.firstName), "last_name": .string(fields.lastName),
            "birth_date": .string(fields.birthDate), "gender": .string(fields.gender), "hire_date": .string(fields.hireDate),
            "email": .string(fields.email),
        ]
        var row = FoldedRow()
        row.fold(
            try EmployeeEvent(typeName: "EmployeeCreated", schemaVersion: schemaVersion, payload: payload), version: 1,
            at: createdAt)
        if passwordChanges > 0 {
            row.fold(.passwordChanged(PasswordChanged()), version: version, at: updatedAt)
        }
        return row
    }
}
