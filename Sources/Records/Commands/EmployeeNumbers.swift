import Postgres

/// The `employee_numbers` sequence: where `create` draws new employee numbers, moved past imported ones.
public struct EmployeeNumbers: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The next free number.
    public func next() async throws -> Int {
        try await pool.withConnection { connection in
            try connection.query("SELECT nextval('employee_numbers')").first!.decode(Int.self, column: 0)
        }
    }

    /// Moves the sequence past the highest number in use, so that `next()` never hands out an imported one. Never
    /// moves it back.
    public func skipPastHighestInUse() async throws {
        try await pool.withConnection { connection in
            _ = try connection.query(
                """
                SELECT setval('employee_numbers', highest) FROM (SELECT max(emp_no) AS highest FROM employees) AS imported
                WHERE highest > (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM employee_numbers)
                """)
        }
    }
}
