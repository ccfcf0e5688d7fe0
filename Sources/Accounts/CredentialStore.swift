import Postgres
import Security

/// The `credentials` side table (password hashes, `sql/0004`) and the one read a password login needs. Not a
/// projection of its own: `EmployeeProjection` writes a hash when its `PasswordChanged` commits; this type reads
/// hashes and replaces one by a rehash of the same password, which is no event.
public struct CredentialStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The employee whose email is `email` (case-insensitive) as a password grant needs it, read in one query.
    public func loginAccount(email: String) async throws -> LoginAccount? {
        try await pool.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT e.emp_no, e.disabled, c.password_hash,
                       ARRAY(SELECT s.scope FROM employee_scopes s WHERE s.emp_no = e.emp_no)
                FROM employees e LEFT JOIN credentials c ON c.emp_no = e.emp_no
                WHERE lower(e.email) = lower(\(email))
                """)
            guard let row = rows.first else { return nil }
            let scopeNames = try row.decode([String].self, column: 3)
            return LoginAccount(
                empNo: try row.decode(Int64.self, column: 0), isDisabled: try row.decode(Bool.self, column: 1),
                passwordHash: try row.decode(String?.self, column: 2),
                scopes: ScopeSet(scopeNames.compactMap(Scope.init(rawValue:))))
        }
    }

    /// The employee's current password hash; nil when it has no password.
    public func passwordHash(of empNo: Int) async throws -> String? {
        try await pool.withConnection { connection in
            try connection.query("SELECT password_hash FROM credentials WHERE emp_no = \(empNo)").first?
                .decode(String.self, column: 0)
        }
    }

    /// Replaces `oldHash` by `newHash`, a hash of the same password at current parameters. `changed_at` stays,
    /// because it marks the last password change that revoked tokens. The condition on the old hash leaves a
    /// concurrent password change alone.
    public func replaceHash(of empNo: Int64, from oldHash: String, to newHash: String) async throws {
        try await pool.withConnection { connection in
            try connection.execute(
                "UPDATE credentials SET password_hash = \(newHash) WHERE emp_no = \(empNo) AND password_hash = \(oldHash)")
        }
    }
}
