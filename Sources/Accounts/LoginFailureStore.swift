import Foundation
import Postgres

/// The failed-login counters every instance shares (`login_failures`, sql/0011), by key.
struct LoginFailureStore: Sendable {
    /// A counter: how many failures, the last one when.
    struct Count: Sendable, Equatable {
        let failures: Int
        let lastFailure: Date
    }

    let pool: PostgresPool

    /// The live counters among `keys` (those not forgotten after `forgetAfter` seconds).
    func counts(_ keys: [String], forgetAfter: Double) async throws -> [String: Count] {
        try await pool.withConnection { connection in
            var found: [String: Count] = [:]
            for row in try connection.query(
                """
                SELECT key, failures, last_failure FROM login_failures
                WHERE key = ANY(\(keys)) AND last_failure > now() - make_interval(secs => \(forgetAfter))
                """)
            {
                found[try row.decode(String.self, column: 0)] = Count(
                    failures: try row.decode(Int.self, column: 1), lastFailure: try row.decode(Date.self, column: 2))
            }
            return found
        }
    }

    /// Counts one more failure on each key (starting again from one after `forgetAfter` quiet seconds) and prunes
    /// counters nobody has failed on for that long, in one statement.
    ///
    /// Committed without waiting for the WAL flush (`synchronous_commit = off` for this transaction only): a crash
    /// may forget the last few failures, at most `wal_writer_delay` of them, which a throttle can afford, and an
    /// attempt does not wait for a disk flush (about 2 ms on this machine's disk; see docs/SCALING.md).
    func recordFailure(_ keys: [String], forgetAfter: Double) async throws {
        try await pool.withTransaction { connection in
            try connection.execute("SET LOCAL synchronous_commit = off")
            try connection.execute(
                """
                WITH pruned AS (
                    DELETE FROM login_failures WHERE last_failure <= now() - make_interval(secs => \(forgetAfter))
                        AND key <> ALL(\(keys))
                )
                INSERT INTO login_failures AS f (key, failures, last_failure)
                SELECT key, 1, now() FROM unnest(\(keys)::text[]) AS key
                ON CONFLICT (key) DO UPDATE SET
                    failures = CASE WHEN f.last_failure <= now() - make_interval(secs => \(forgetAfter)) THEN 1
                                    ELSE f.failures + 1 END,
                    last_failure = now()
                """)
        }
    }

    /// Forgets these counters (a successful login).
    func clear(_ keys: [String]) async throws {
        try await pool.withConnection { connection in
            try connection.execute("DELETE FROM login_failures WHERE key = ANY(\(keys))")
        }
    }
}
