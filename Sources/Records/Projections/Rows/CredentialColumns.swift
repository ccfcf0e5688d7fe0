import Postgres

struct CredentialColumns {
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
