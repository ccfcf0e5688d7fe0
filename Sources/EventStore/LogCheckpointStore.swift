import Crypto
import Postgres

/// The SQL of signed checkpoints and of the log's public keys (`sql/0010_log_checkpoints.sql`). Signing happens
/// here in Swift; the database only ever receives public keys and signatures.
public struct LogCheckpointStore: Sendable {
    private let pool: PostgresPool
    /// The advisory lock key that serializes key registrations ("LOGK" in ASCII).
    static let registrationLock: Int64 = 0x4C4F_474B

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Publishes the signer's public key (valid from now, if new) and ends the validity of any other key still open.
    public func register(_ signer: LogSigner, atMicroseconds now: Int64 = UnixMicroseconds.now()) async throws {
        let keyID = signer.keyID
        let publicKey = signer.key.publicKey.rawRepresentation
        try await pool.withTransaction { connection in
            // One registration at a time (instances starting together), without a table lock the role may not take.
            _ = try connection.query("SELECT pg_advisory_xact_lock(\(Self.registrationLock))")
            try connection.execute(
                """
                INSERT INTO log_signing_keys (key_id, public_key, valid_from_us) VALUES (\(keyID), \(publicKey), \(now))
                ON CONFLICT (key_id) DO NOTHING
                """)
            let rows = try connection.query("SELECT valid_until_us FROM log_signing_keys WHERE key_id = \(keyID)")
            if let until = try rows.first?.decode(Int64?.self, column: 0) {
                throw LogSigningKeyError.retired(keyID: keyID, atMicroseconds: until)
            }
            try connection.execute(
                """
                UPDATE log_signing_keys SET valid_until_us = greatest(valid_from_us, \(now))
                WHERE valid_until_us IS NULL AND key_id <> \(keyID)
                """)
        }
    }

    /// Every published key, oldest first.
    public func keys() async throws -> LogKeySet {
        try await pool.withConnection { connection in try Self.keys(on: connection) }
    }

    public static func keys(on connection: PostgresConnection) throws -> LogKeySet {
        let rows = try connection.query(
            "SELECT key_id, public_key, valid_from_us, valid_until_us FROM log_signing_keys ORDER BY valid_from_us, key_id")
        return LogKeySet(
            keys: try rows.map { row in
                LogPublicKey(
                    keyID: try row.decode(String.self, column: 0),
                    publicKey: try Ed25519PublicKey(rawRepresentation: row.decode([UInt8].self, column: 1)),
                    validFromMicroseconds: try row.decode(Int64.self, column: 2),
                    validUntilMicroseconds: try row.decode(Int64?.self, column: 3))
            })
    }

    /// Signs the event at the head of the log (unless a checkpoint already stands there) and returns the checkpoint
    /// at the head; nil while the log is empty.
    public func checkpointHead(with signer: LogSigner) async throws -> LogCheckpoint? {
        let head = try await EventReader(pool: pool).head()
        guard head.position > 0 else { return nil }
        try await sign(positions: [head.position], with: signer)
        return try await checkpoints(after: head.position - 1, limit: 1).first
    }

    /// Signs the events at `positions` that have no checkpoint yet; returns how many checkpoints were added.
    @discardableResult
    public func sign(positions: [Int64], with signer: LogSigner) async throws -> Int {
        guard !positions.isEmpty else { return 0 }
        let keyID = signer.keyID
        return try await pool.withTransaction { connection in
            // Another process may have published a newer key since this one was registered: then stop, rather than
            // sign checkpoints that no verifier accepts.
            let key = try connection.query("SELECT valid_until_us FROM log_signing_keys WHERE key_id = \(keyID)")
            if let until = try key.first?.decode(Int64?.self, column: 0) {
                throw LogSigningKeyError.retired(keyID: keyID, atMicroseconds: until)
            }
            let rows = try connection.query(
                """
                SELECT e.position, e.hash, (extract(epoch FROM e.recorded_at) * 1000000)::bigint
                FROM events e LEFT JOIN log_checkpoints c USING (position)
                WHERE e.position = ANY(\(positions)) AND c.position IS NULL ORDER BY e.position
                """)
            var added = 0
            for row in rows {
                let checkpoint = try signer.sign(
                    position: try row.decode(Int64.self, column: 0), hash: try row.decode([UInt8].self, column: 1),
                    recordedAtMicroseconds: try row.decode(Int64.self, column: 2))
                added += try connection.execute(
                    """
                    INSERT INTO log_checkpoints (position, hash, recorded_at_us, signed_at_us, key_id, signature)
                    VALUES (\(checkpoint.position), \(checkpoint.hash), \(checkpoint.recordedAtMicroseconds),
                            \(checkpoint.signedAtMicroseconds), \(checkpoint.keyID), \(checkpoint.signature))
                    ON CONFLICT (position) DO NOTHING
                    """)
            }
            return added
        }
    }

    /// Up to `limit` checkpoints with a position greater than `position` (and at most `through`), in position order.
    public func checkpoints(after position: Int64, through last: Int64 = .max, limit: Int) async throws -> [LogCheckpoint] {
        try await pool.withConnection { connection in
            try Self.checkpoints(after: position, through: last, limit: limit, on: connection)
        }
    }

    public static func checkpoints(
        after position: Int64, through last: Int64 = .max, limit: Int, on connection: PostgresConnection
    ) throws -> [LogCheckpoint] {
        try connection.query(
            """
            SELECT position, hash, recorded_at_us, signed_at_us, key_id, signature FROM log_checkpoints
            WHERE position > \(position) AND position <= \(last) ORDER BY position LIMIT \(Int64(limit))
            """
        ).map(decode)
    }

    static func decode(_ row: PostgresRow) throws -> LogCheckpoint {
        LogCheckpoint(
            position: try row.decode(Int64.self, column: 0), hash: try row.decode([UInt8].self, column: 1),
            recordedAtMicroseconds: try row.decode(Int64.self, column: 2),
            signedAtMicroseconds: try row.decode(Int64.self, column: 3), keyID: try row.decode(String.self, column: 4),
            signature: try row.decode([UInt8].self, column: 5))
    }
}
