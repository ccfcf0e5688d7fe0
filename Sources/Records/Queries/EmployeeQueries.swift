import Employees
import EventStore
import Foundation
import Postgres

/// The read side: one query on a projection per read. Only the explicit as-of read folds events.
public struct EmployeeQueries: Sendable {
    public let pool: PostgresPool
    /// Reads by employee number, the hottest query, coalesced into one `= ANY($1)` query per batch.
    private let byNumber: PostgresBatchedLookup<Int, EmployeeRecord>

    public init(pool: PostgresPool) {
        self.pool = pool
        byNumber = PostgresBatchedLookup(pool: pool) { connection, numbers in
            var found: [Int: EmployeeRecord] = [:]
            found.reserveCapacity(numbers.count)
            for row in try connection.query(
                "SELECT \(unsafeSQL: Self.columns) FROM employees WHERE emp_no = ANY(\(numbers))")
            {
                let record = try Self.record(row)
                found[record.empNo] = record
            }
            return found
        }
    }

    public static let columns = """
        emp_no, first_name, last_name, birth_date::text, gender, hire_date::text, email, disabled, version, created_at,
        updated_at
        """

    /// How the reads by employee number were batched.
    public var batchStatistics: PostgresBatchedLookup<Int, EmployeeRecord>.Statistics { byNumber.statistics }

    public func employee(_ empNo: Int) async throws -> EmployeeRecord? {
        try await byNumber.load(empNo)
    }

    /// Whether another employee already has `email` (compared as the unique index compares it).
    public func isTaken(_ email: EmailAddress) async throws -> Bool {
        try await pool.withConnection { connection in
            try !connection.query("SELECT 1 FROM employees WHERE lower(email) = \(email.uniquenessKey)").isEmpty
        }
    }

    /// Current scopes granted to the employee (as granted: implication is applied when checking).
    public func scopes(of empNo: Int) async throws -> [String] {
        try await pool.withConnection { connection in
            try connection.query("SELECT scope FROM employee_scopes WHERE emp_no = \(empNo) ORDER BY scope").map {
                try $0.decode(String.self, column: 0)
            }
        }
    }

    /// Case-insensitive partial matches on last and first name. A pattern containing `%` is used as the original
    /// system's LIKE pattern; otherwise it matches as a substring. `_` and `\` always match literally.
    public func search(lastName: String?, firstName: String?, limit: Int, after: Int) async throws -> EmployeePage {
        let last = lastName.map(Self.likePattern) ?? "%"
        let first = firstName.map(Self.likePattern) ?? "%"
        var query: PostgresQuery = """
            SELECT \(unsafeSQL: Self.columns) FROM employees
            WHERE last_name ILIKE \(last) AND first_name ILIKE \(first) AND emp_no > \(after)
            ORDER BY emp_no LIMIT \(limit + 1)
            """
        // A generic plan would AND both trigram indexes, and `first_name ILIKE '%'` reads every entry of one.
        query.plansEachExecution = true
        let rows = try await pool.withConnection { [query] connection in try connection.query(query).map(Self.record) }
        let items = Array(rows.prefix(limit))
        return EmployeePage(items: items, nextAfter: rows.count > limit ? items.last?.empNo : nil)
    }

    public static func likePattern(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "_", with: "\\_")
        return escaped.contains("%") ? escaped : "%" + escaped + "%"
    }

    public static func record(_ row: PostgresRow) throws -> EmployeeRecord {
        EmployeeRecord(
            empNo: try row.decode(Int.self, column: 0), firstName: try row.decode(String.self, column: 1),
            lastName: try row.decode(String.self, column: 2), birthDate: try row.decode(String.self, column: 3),
            gender: try row.decode(String.self, column: 4), hireDate: try row.decode(String.self, column: 5),
            email: try row.decode(String.self, column: 6), disabled: try row.decode(Bool.self, column: 7),
            version: try row.decode(Int.self, column: 8), createdAt: try row.decode(Date.self, column: 9),
            updatedAt: try row.decode(Date.self, column: 10))
    }

    /// The record as it stood at `instant`, folded from the stream's events recorded up to then (nil if it did not
    /// exist yet).
    public func employee(_ empNo: Int, asOf instant: Date) async throws -> EmployeeRecord? {
        guard let number = EmployeeNumber(empNo) else { return nil }
        let events = try await EventReader(pool: pool).stream(EmployeeEventCodec.streamID(number))
        let cutoff = Int64((instant.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let past = events.filter { $0.recordedAtMicroseconds <= cutoff }
        guard let first = past.first, let last = past.last else { return nil }
        let state = EmployeeState(replaying: try past.map(EmployeeEventCodec.domainEvent))
        guard let employee = state.employee else { return nil }
        return EmployeeRecord(employee, version: last.streamVersion, createdAt: first.recordedAt, updatedAt: last.recordedAt)
    }
}
