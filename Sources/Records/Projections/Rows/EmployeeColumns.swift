import Employees
import Postgres

struct EmployeeColumns {
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
