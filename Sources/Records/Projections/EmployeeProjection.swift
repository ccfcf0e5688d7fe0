import Dispatch
import Employees
import EventStore
import Foundation
import Postgres

/// The `employees` and `employee_scopes` read models, plus the `credentials` side table.
///
/// Inline, each event becomes the row change it implies. In a rebuild, the domain's own `evolve` folds every stream
/// in memory and the rows are written in bulk. Both must give the same rows; a test compares them row for row.
public struct EmployeeProjection: InlineProjection {
    public static let passwordHashAttachment = "password_hash"
    public static let emailConstraint = "employees_email_key"

    public init() {}

    /// The projection's name, under which its checkpoint is kept.
    public static let projectionName = "employees"

    public var name: String { Self.projectionName }

    public func apply(_ events: [RecordedEvent], of request: AppendRequest, on connection: PostgresConnection) throws {
        for recorded in events {
            let event = try EmployeeEventCodec.domainEvent(recorded)
            let empNo = try EmployeeProjection.employeeNumber(of: recorded.streamID)
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

    /// The batching appender's common case, a batch of personal-data changes (one `EmployeeUpdated` per request, on
    /// distinct employees), becomes one `UPDATE … FROM unnest(…)`; any other request is applied on its own, in order.
    public func applyBatch(_ events: [[RecordedEvent]], of requests: [AppendRequest], on connection: PostgresConnection) throws {
        var updates = UpdateColumns()
        for (recorded, request) in zip(events, requests) {
            if recorded.count == 1, let event = recorded.first,
                case .updated(let updated) = try EmployeeEventCodec.domainEvent(event)
            {
                updates.append(
                    updated, empNo: try EmployeeProjection.employeeNumber(of: event.streamID), version: event.streamVersion,
                    at: event.recordedAtMicroseconds)
            } else {
                try apply(recorded, of: request, on: connection)
            }
        }
        try updates.apply(on: connection)
    }

    /// A unique violation on the email index means the address is taken: that request alone is refused.
    static func rejectionIfEmailTaken(_ error: any Error) -> any Error {
        guard let postgres = error as? PostgresError, postgres.code == .uniqueViolation,
            postgres.constraint == emailConstraint
        else { return error }
        return EmployeeRejection.emailTaken.projectionRejection
    }

    /// The stream's employee number; a stream of another kind refuses the request (as the event store expects).
    static func employeeNumber(of stream: StreamID) throws(ProjectionRejection) -> Int {
        do {
            return try EmployeeEventCodec.employeeNumber(of: stream)
        } catch {
            throw error.projectionRejection
        }
    }

    public func reset(on connection: PostgresConnection) throws {
        try connection.execute("TRUNCATE employees, employee_scopes")
    }

    public func makeRebuilder() -> any ProjectionRebuilder {
        EmployeeRebuilder()
    }

    private func touch(_ empNo: Int, version: Int, at: Int64, on connection: PostgresConnection) throws {
        try connection.execute(
            """
            UPDATE employees SET version = \(version), updated_at = timestamptz 'epoch' + \(at) * interval '1 microsecond'
            WHERE emp_no = \(empNo)
            """)
    }
}
