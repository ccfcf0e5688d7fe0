import Postgres

struct ScopeColumns {
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
