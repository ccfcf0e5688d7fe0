import Employees
import EventStore
import Foundation
import Postgres

/// The `employees` and `employee_scopes` read models, plus the `credentials` side table.
///
/// Inline, each event becomes the row change it implies. In a rebuild, the domain's own `evolve` folds every stream
/// in memory and the rows are written in bulk. Both must give the same rows; a test compares them row for row.
struct EmployeeProjection: InlineProjection {
    static let passwordHashAttachment = "password_hash"
    static let emailConstraint = "employees_email_key"

    var name: String { "employees" }

    func apply(_ events: [RecordedEvent], of request: AppendRequest, on connection: PostgresConnection) throws {
        for recorded in events {
            let event = try EmployeeEventCodec.domainEvent(recorded)
            let empNo = try Self.employeeNumber(of: recorded.streamID)
            let version = recorded.streamVersion
            let at = recorded.recordedAtMicroseconds
            switch event {
            case .created(let created):
                do {
                    try connection.execute(
                        """
                        INSERT INTO employees (emp_no, birth_date, first_name, last_name, gender, hire_date, email, disabled,
                                               version, created_at, updated_at)
                        VALUES (\(empNo), \(created.birthDate.iso)::date, \(created.firstName.value), \(created.lastName.value),
                                \(created.gender.rawValue), \(created.hireDate.iso)::date, \(created.email.value), false,
                                \(version), timestamptz 'epoch' + \(at) * interval '1 microsecond', timestamptz 'epoch' + \(at) * interval '1 microsecond')
                        """)
                } catch {
                    throw Self.rejectionIfEmailTaken(error)
                }
            case .updated(let updated):
                try connection.execute(
                    """
                    UPDATE employees SET
                        first_name = coalesce(\(updated.firstName?.new.value), first_name),
                        last_name = coalesce(\(updated.lastName?.new.value), last_name),
                        birth_date = coalesce(\(updated.birthDate?.new.iso)::date, birth_date),
                        gender = coalesce(\(updated.gender?.new.rawValue), gender),
                        hire_date = coalesce(\(updated.hireDate?.new.iso)::date, hire_date),
                        version = \(version), updated_at = timestamptz 'epoch' + \(at) * interval '1 microsecond'
                    WHERE emp_no = \(empNo)
                    """)
            case .scopeGranted(let granted):
                try connection.execute(
                    """
                    INSERT INTO employee_scopes (emp_no, scope, granted_at) VALUES (\(empNo), \(granted.scope), timestamptz 'epoch' + \(at) * interval '1 microsecond')
                    ON CONFLICT (emp_no, scope) DO UPDATE SET granted_at = excluded.granted_at
                    """)
                try touch(empNo, version: version, at: at, on: connection)
            case .scopeRevoked(let revoked):
                try connection.execute("DELETE FROM employee_scopes WHERE emp_no = \(empNo) AND scope = \(revoked.scope)")
                try touch(empNo, version: version, at: at, on: connection)
            case .disabled, .enabled:
                let disabled = if case .disabled = event { true } else { false }
                try connection.execute(
                    """
                    UPDATE employees SET disabled = \(disabled), version = \(version),
                        updated_at = timestamptz 'epoch' + \(at) * interval '1 microsecond'
                    WHERE emp_no = \(empNo)
                    """
                        )
            case .passwordChanged:
                if let hash = request.attachments[Self.passwordHashAttachment] {
                    try connection.execute(
                        """
                        INSERT INTO credentials (emp_no, password_hash, changed_at) VALUES (\(empNo), \(hash), timestamptz 'epoch' + \(at) * interval '1 microsecond')
                        ON CONFLICT (emp_no) DO UPDATE SET password_hash = excluded.password_hash, changed_at = excluded.changed_at
                        """)
                }
                try touch(empNo, version: version, at: at, on: connection)
            }
        }
    }

    /// A unique violation on the email index means the address is taken: that request alone is refused.
    private static func rejectionIfEmailTaken(_ error: PostgresError) -> any Error {
        guard error.code == .uniqueViolation, error.constraint == emailConstraint else { return error }
        return ProjectionRejection(reason: "duplicate_email", field: "email")
    }

    func reset(on connection: PostgresConnection) throws {
        try connection.execute("TRUNCATE employees, employee_scopes")
    }

    func makeRebuilder() -> any ProjectionRebuilder {
        Rebuilder()
    }

    private func touch(_ empNo: Int, version: Int, at: Int64, on connection: PostgresConnection) throws {
        try connection.execute(
            """
            UPDATE employees SET version = \(version), updated_at = timestamptz 'epoch' + \(at) * interval '1 microsecond'
            WHERE emp_no = \(empNo)
            """
                )
    }

    static func employeeNumber(of stream: StreamID) throws -> Int {
        let prefix = "employee-"
        guard stream.rawValue.hasPrefix(prefix), let number = Int(stream.rawValue.dropFirst(prefix.count)) else {
            throw ProjectionRejection(reason: "not_an_employee_stream")
        }
        return number
    }

    /// Folds every employee stream with the domain's `evolve`, then writes all rows with a few bulk statements.
    struct Rebuilder: ProjectionRebuilder {
        private struct Row {
            var state: EmployeeState = .absent
            var version = 0
            var createdAt: Int64 = 0
            var updatedAt: Int64 = 0
            var scopeGrantedAt: [String: Int64] = [:]
        }

        private var rows: [Int: Row] = [:]

        mutating func consume(_ recorded: RecordedEvent) throws {
            guard recorded.streamID.rawValue.hasPrefix("employee-") else { return }
            let empNo = try EmployeeProjection.employeeNumber(of: recorded.streamID)
            let event = try EmployeeEventCodec.domainEvent(recorded)
            var row = rows[empNo] ?? Row()
            if case .absent = row.state { row.createdAt = recorded.recordedAtMicroseconds }
            row.state = evolve(row.state, event)
            row.version = recorded.streamVersion
            row.updatedAt = recorded.recordedAtMicroseconds
            switch event {
            case .scopeGranted(let granted): row.scopeGrantedAt[granted.scope] = recorded.recordedAtMicroseconds
            case .scopeRevoked(let revoked): row.scopeGrantedAt[revoked.scope] = nil
            default: break
            }
            rows[empNo] = row
        }

        func finish(on connection: PostgresConnection) throws {
            let chunkSize = 20_000
            let employees = rows.keys.sorted()
            for start in stride(from: 0, to: employees.count, by: chunkSize) {
                var columns = EmployeeColumns()
                var scopes = ScopeColumns()
                for empNo in employees[start..<min(start + chunkSize, employees.count)] {
                    let row = rows[empNo]!
                    guard let employee = row.state.employee else { continue }
                    columns.append(employee, row: (row.version, row.createdAt, row.updatedAt))
                    for (scope, grantedAt) in row.scopeGrantedAt.sorted(by: { $0.key < $1.key }) {
                        scopes.empNos.append(Int32(empNo))
                        scopes.scopes.append(scope)
                        scopes.grantedAt.append(grantedAt)
                    }
                }
                try connection.execute(
                    """
                    INSERT INTO employees (emp_no, birth_date, first_name, last_name, gender, hire_date, email, disabled,
                                           version, created_at, updated_at)
                    SELECT emp_no, birth_date::date, first_name, last_name, gender, hire_date::date, email, disabled, version,
                           timestamptz 'epoch' + created_at * interval '1 microsecond',
                           timestamptz 'epoch' + updated_at * interval '1 microsecond'
                    FROM unnest(\(columns.empNos), \(columns.birthDates), \(columns.firstNames), \(columns.lastNames),
                                \(columns.genders), \(columns.hireDates), \(columns.emails), \(columns.disabled),
                                \(columns.versions), \(columns.createdAt), \(columns.updatedAt))
                        AS rebuilt(emp_no, birth_date, first_name, last_name, gender, hire_date, email, disabled, version,
                                   created_at, updated_at)
                    """)
                if !scopes.empNos.isEmpty {
                    try connection.execute(
                        """
                        INSERT INTO employee_scopes (emp_no, scope, granted_at)
                        SELECT emp_no, scope, timestamptz 'epoch' + granted_at * interval '1 microsecond'
                        FROM unnest(\(scopes.empNos), \(scopes.scopes), \(scopes.grantedAt)) AS rebuilt(emp_no, scope, granted_at)
                        """)
                }
            }
        }
    }

    private struct EmployeeColumns {
        var empNos: [Int32] = []
        var birthDates: [String] = []
        var firstNames: [String] = []
        var lastNames: [String] = []
        var genders: [String] = []
        var hireDates: [String] = []
        var emails: [String] = []
        var disabled: [Bool] = []
        var versions: [Int32] = []
        var createdAt: [Int64] = []
        var updatedAt: [Int64] = []

        mutating func append(_ employee: Employee, row: (version: Int, createdAt: Int64, updatedAt: Int64)) {
            empNos.append(Int32(employee.empNo.value))
            birthDates.append(employee.birthDate.iso)
            firstNames.append(employee.firstName.value)
            lastNames.append(employee.lastName.value)
            genders.append(employee.gender.rawValue)
            hireDates.append(employee.hireDate.iso)
            emails.append(employee.email.value)
            disabled.append(employee.isDisabled)
            versions.append(Int32(row.version))
            createdAt.append(row.createdAt)
            updatedAt.append(row.updatedAt)
        }
    }

    private struct ScopeColumns {
        var empNos: [Int32] = []
        var scopes: [String] = []
        var grantedAt: [Int64] = []
    }
}
