import Employees
import Postgres

/// Personal-data changes of distinct employees as column arrays; `nil` leaves a field as it is.
struct UpdateColumns {
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
