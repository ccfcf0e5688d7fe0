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

    /// The batching appender's common case, a batch of personal-data changes (one `EmployeeUpdated` per request, on
    /// distinct employees), becomes one `UPDATE … FROM unnest(…)`; any other request is applied on its own, in order.
    public func applyBatch(_ events: [[RecordedEvent]], of requests: [AppendRequest], on connection: PostgresConnection) throws {
        var updates = UpdateColumns()
        for (recorded, request) in zip(events, requests) {
            if recorded.count == 1, let event = recorded.first,
                case .updated(let updated) = try EmployeeEventCodec.domainEvent(event)
            {
                updates.append(updated, empNo: try Self.employeeNumber(of: event.streamID), version: event.streamVersion,
                    at: event.recordedAtMicroseconds)
            } else {
                try apply(recorded, of: request, on: connection)
            }
        }
        try updates.apply(on: connection)
    }

    /// Every request of a bulk append created a new stream, so each stream folds from nothing into one complete row,
    /// exactly as a rebuild folds it; the rows then go in with one statement per table.
    public func applyBulk(_ events: [[RecordedEvent]], of requests: [AppendRequest], on connection: PostgresConnection) throws {
        var employees = EmployeeColumns()
        var scopes = ScopeColumns()
        var credentials = CredentialColumns()
        employees.reserveCapacity(requests.count)
        for (recorded, request) in zip(events, requests) {
            guard let first = recorded.first else { continue }
            let empNo = try Self.employeeNumber(of: first.streamID)
            if var created = CreatedRow(first, empNo: empNo), recorded.dropFirst().allSatisfy({ $0.type == "PasswordChanged" }) {
                recorded.dropFirst().forEach { created.passwordChanged($0) }
                created.append(to: &employees, empNo: empNo)
                if recorded.count > 1, let hash = request.attachments[Self.passwordHashAttachment] {
                    credentials.empNos.append(Int32(empNo))
                    credentials.hashes.append(hash)
                    credentials.changedAt.append(created.updatedAt)
                }
                continue
            }
            var row = FoldedRow()
            var passwordChangedAt: Int64?
            for event in recorded {
                let decoded = try EmployeeEventCodec.domainEvent(event)
                row.fold(decoded, version: event.streamVersion, at: event.recordedAtMicroseconds)
                if case .passwordChanged = decoded { passwordChangedAt = event.recordedAtMicroseconds }
            }
            row.append(to: &employees, scopes: &scopes, empNo: empNo)
            if let passwordChangedAt, let hash = request.attachments[Self.passwordHashAttachment] {
                credentials.empNos.append(Int32(empNo))
                credentials.hashes.append(hash)
                credentials.changedAt.append(passwordChangedAt)
            }
        }
        do {
            try employees.insert(on: connection)
        } catch {
            throw Self.rejectionIfEmailTaken(error)
        }
        try scopes.insert(on: connection)
        try credentials.insert(on: connection)
    }

    /// A unique violation on the email index means the address is taken: that request alone is refused.
    private static func rejectionIfEmailTaken(_ error: any Error) -> any Error {
        guard let postgres = error as? PostgresError, postgres.code == .uniqueViolation,
            postgres.constraint == emailConstraint
        else { return error }
        return ProjectionRejection(reason: "duplicate_email", field: "email")
    }

    public func reset(on connection: PostgresConnection) throws {
        try connection.execute("TRUNCATE employees, employee_scopes")
    }

    public func makeRebuilder() -> any ProjectionRebuilder {
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

    public static func employeeNumber(of stream: StreamID) throws -> Int {
        let prefix = "employee-"
        guard stream.rawValue.hasPrefix(prefix), let number = Int(stream.rawValue.dropFirst(prefix.count)) else {
            throw ProjectionRejection(reason: "not_an_employee_stream")
        }
        return number
    }

    /// Folds every employee stream with the domain's `evolve`, then writes all rows with a few bulk statements.
    /// A stream that so far only holds `EmployeeCreated` (and `PasswordChanged`) stays a `CreatedRow` read from the
    /// JSON, as the bulk path writes it; it is folded through the domain only when another event arrives.
    struct Rebuilder: ProjectionRebuilder {
        private var created: [Int: CreatedRow] = [:]
        private var folded: [Int: FoldedRow] = [:]

        mutating func consume(_ recorded: RecordedEvent) throws {
            guard recorded.streamID.rawValue.hasPrefix("employee-") else { return }
            let empNo = try EmployeeProjection.employeeNumber(of: recorded.streamID)
            if var row = created[empNo] {
                if recorded.type == "PasswordChanged" {
                    row.passwordChanged(recorded)
                    created[empNo] = row
                    return
                }
                created[empNo] = nil
                folded[empNo] = try row.folded(empNo: empNo)
            } else if folded[empNo] == nil, let row = CreatedRow(recorded, empNo: empNo) {
                created[empNo] = row
                return
            }
            folded[empNo, default: FoldedRow()].fold(
                try EmployeeEventCodec.domainEvent(recorded), version: recorded.streamVersion, at: recorded.recordedAtMicroseconds)
        }

        /// Writes 20,000 rows per statement; the next chunk's columns are built on another thread while one is
        /// inserted.
        func finish(on connection: PostgresConnection) throws {
            let chunkSize = 20_000
            let employees = (Array(created.keys) + Array(folded.keys)).sorted()
            let chunks = stride(from: 0, to: employees.count, by: chunkSize).map {
                employees[$0..<min($0 + chunkSize, employees.count)]
            }
            guard let first = chunks.first else { return }
            var columns = self.columns(for: first)
            for number in chunks.indices {
                let following = number + 1 < chunks.count ? BackgroundWork { self.columns(for: chunks[number + 1]) } : nil
                try columns.employees.insert(on: connection)
                try columns.scopes.insert(on: connection)
                guard let following else { break }
                columns = following.result()
            }
        }

        private func columns(for empNos: ArraySlice<Int>) -> (employees: EmployeeColumns, scopes: ScopeColumns) {
            var employees = EmployeeColumns()
            var scopes = ScopeColumns()
            employees.reserveCapacity(empNos.count)
            for empNo in empNos {
                if let row = created[empNo] {
                    row.append(to: &employees, empNo: empNo)
                } else {
                    folded[empNo]!.append(to: &employees, scopes: &scopes, empNo: empNo)
                }
            }
            return (employees, scopes)
        }
    }

    /// An employee whose stream so far holds only `EmployeeCreated` and `PasswordChanged` (what imports write), read
    /// straight from the event's JSON: the values were validated when the event was made, and decoding them through
    /// the domain again would cost more than writing the row. Any other shape folds through the domain.
    private struct CreatedRow {
        let firstName: String
        let lastName: String
        let birthDate: String
        let gender: String
        let hireDate: String
        let email: String
        let schemaVersion: Int
        let createdAt: Int64
        private(set) var version: Int
        private(set) var updatedAt: Int64
        private(set) var passwordChanges = 0

        init?(_ event: RecordedEvent, empNo: Int) {
            guard event.type == "EmployeeCreated", event.streamVersion == 1,
                let firstName = event.data["first_name"]?.stringValue, let lastName = event.data["last_name"]?.stringValue,
                let birthDate = event.data["birth_date"]?.stringValue, let gender = event.data["gender"]?.stringValue,
                let hireDate = event.data["hire_date"]?.stringValue, let email = event.data["email"]?.stringValue,
                event.data["emp_no"]?.intValue == Int64(empNo), case .object(let members) = event.data, members.count == 7
            else { return nil }
            self.firstName = firstName
            self.lastName = lastName
            self.birthDate = birthDate
            self.gender = gender
            self.hireDate = hireDate
            self.email = email
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
            employees.birthDates.append(birthDate)
            employees.firstNames.append(firstName)
            employees.lastNames.append(lastName)
            employees.genders.append(gender)
            employees.hireDates.append(hireDate)
            employees.emails.append(email)
            employees.disabled.append(false)
            employees.versions.append(Int32(version))
            employees.createdAt.append(createdAt)
            employees.updatedAt.append(updatedAt)
        }

        /// The same employee folded through the domain, for a stream that goes on with other events.
        func folded(empNo: Int) throws -> FoldedRow {
            let payload: [String: EventValue] = [
                "emp_no": .integer(empNo), "first_name": .string(firstName), "last_name": .string(lastName),
                "birth_date": .string(birthDate), "gender": .string(gender), "hire_date": .string(hireDate),
                "email": .string(email),
            ]
            var row = FoldedRow()
            row.fold(try EmployeeEvent(typeName: "EmployeeCreated", schemaVersion: schemaVersion, payload: payload), version: 1, at: createdAt)
            if passwordChanges > 0 {
                row.fold(.passwordChanged(PasswordChanged()), version: version, at: updatedAt)
            }
            return row
        }
    }

    /// One employee folded from its events: the domain state plus the bookkeeping the rows carry.
    private struct FoldedRow {
        var state: EmployeeState = .absent
        var version = 0
        var createdAt: Int64 = 0
        var updatedAt: Int64 = 0
        var scopeGrantedAt: [String: Int64] = [:]

        mutating func fold(_ event: EmployeeEvent, version: Int, at time: Int64) {
            if case .absent = state { createdAt = time }
            state = evolve(state, event)
            self.version = version
            updatedAt = time
            switch event {
            case .scopeGranted(let granted): scopeGrantedAt[granted.scope] = time
            case .scopeRevoked(let revoked): scopeGrantedAt[revoked.scope] = nil
            default: break
            }
        }

        func append(to employees: inout EmployeeColumns, scopes: inout ScopeColumns, empNo: Int) {
            guard let employee = state.employee else { return }
            employees.append(employee, row: (version, createdAt, updatedAt))
            for (scope, grantedAt) in scopeGrantedAt.sorted(by: { $0.key < $1.key }) {
                scopes.empNos.append(Int32(empNo))
                scopes.scopes.append(scope)
                scopes.grantedAt.append(grantedAt)
            }
        }
    }

    /// Personal-data changes of distinct employees as column arrays; `nil` leaves a field as it is.
    private struct UpdateColumns {
        var empNos: [Int32] = []
        var firstNames: [String?] = []
        var lastNames: [String?] = []
        var birthDates: [String?] = []
        var genders: [String?] = []
        var hireDates: [String?] = []
        var versions: [Int32] = []
        var updatedAt: [Int64] = []

        mutating func append(_ updated: EmployeeUpdated, empNo: Int, version: Int, at: Int64) {
            empNos.append(Int32(empNo))
            firstNames.append(updated.firstName?.new.value)
            lastNames.append(updated.lastName?.new.value)
            birthDates.append(updated.birthDate?.new.iso)
            genders.append(updated.gender?.new.rawValue)
            hireDates.append(updated.hireDate?.new.iso)
            versions.append(Int32(version))
            updatedAt.append(at)
        }

        /// The same row changes as `apply` makes for each `EmployeeUpdated`, in one statement.
        func apply(on connection: PostgresConnection) throws {
            guard !empNos.isEmpty else { return }
            try connection.execute(
                """
                UPDATE employees AS employee SET
                    first_name = coalesce(change.first_name, employee.first_name),
                    last_name = coalesce(change.last_name, employee.last_name),
                    birth_date = coalesce(change.birth_date::date, employee.birth_date),
                    gender = coalesce(change.gender, employee.gender),
                    hire_date = coalesce(change.hire_date::date, employee.hire_date),
                    version = change.version, updated_at = timestamptz 'epoch' + change.at * interval '1 microsecond'
                FROM unnest(\(empNos), \(firstNames), \(lastNames), \(birthDates), \(genders), \(hireDates), \(versions),
                            \(updatedAt))
                    AS change(emp_no, first_name, last_name, birth_date, gender, hire_date, version, at)
                WHERE employee.emp_no = change.emp_no
                """)
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

        mutating func reserveCapacity(_ count: Int) {
            empNos.reserveCapacity(count)
            birthDates.reserveCapacity(count)
            firstNames.reserveCapacity(count)
            lastNames.reserveCapacity(count)
            genders.reserveCapacity(count)
            hireDates.reserveCapacity(count)
            emails.reserveCapacity(count)
            disabled.reserveCapacity(count)
            versions.reserveCapacity(count)
            createdAt.reserveCapacity(count)
            updatedAt.reserveCapacity(count)
        }

        func insert(on connection: PostgresConnection) throws {
            guard !empNos.isEmpty else { return }
            try connection.execute(
                """
                INSERT INTO employees (emp_no, birth_date, first_name, last_name, gender, hire_date, email, disabled,
                                       version, created_at, updated_at)
                SELECT emp_no, birth_date::date, first_name, last_name, gender, hire_date::date, email, disabled, version,
                       timestamptz 'epoch' + created_at * interval '1 microsecond',
                       timestamptz 'epoch' + updated_at * interval '1 microsecond'
                FROM unnest(\(empNos), \(birthDates), \(firstNames), \(lastNames), \(genders), \(hireDates), \(emails),
                            \(disabled), \(versions), \(createdAt), \(updatedAt))
                    AS rows(emp_no, birth_date, first_name, last_name, gender, hire_date, email, disabled, version,
                            created_at, updated_at)
                """)
        }
    }

    private struct ScopeColumns {
        var empNos: [Int32] = []
        var scopes: [String] = []
        var grantedAt: [Int64] = []

        func insert(on connection: PostgresConnection) throws {
            guard !empNos.isEmpty else { return }
            try connection.execute(
                """
                INSERT INTO employee_scopes (emp_no, scope, granted_at)
                SELECT emp_no, scope, timestamptz 'epoch' + granted_at * interval '1 microsecond'
                FROM unnest(\(empNos), \(scopes), \(grantedAt)) AS rows(emp_no, scope, granted_at)
                """)
        }
    }

    private struct CredentialColumns {
        var empNos: [Int32] = []
        var hashes: [String] = []
        var changedAt: [Int64] = []

        func insert(on connection: PostgresConnection) throws {
            guard !empNos.isEmpty else { return }
            try connection.execute(
                """
                INSERT INTO credentials (emp_no, password_hash, changed_at)
                SELECT emp_no, password_hash, timestamptz 'epoch' + changed_at * interval '1 microsecond'
                FROM unnest(\(empNos), \(hashes), \(changedAt)) AS rows(emp_no, password_hash, changed_at)
                ON CONFLICT (emp_no) DO UPDATE SET password_hash = excluded.password_hash, changed_at = excluded.changed_at
                """)
        }
    }
}

/// A value computed on a Dispatch thread while the caller goes on; `result()` waits for it.
///
/// `@unchecked Sendable`, and why that is safe: `value` is written once by the worker before it signals `done`, and
/// read by the caller only after waiting for that signal (the semaphore orders the write before the read).
private final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private var value: Value?
    private let done = DispatchSemaphore(value: 0)

    public init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global().async {
            self.value = work()
            self.done.signal()
        }
    }

    public func result() -> Value {
        done.wait()
        return value!
    }
}
