import Postgres

/// Checks every stored checkpoint against the stored log: its signature under the published keys (and within the
/// key's validity), its event still present (else the log was truncated), and that event's hash and recorded time
/// equal to what was signed. Run after `ChainVerifier`: once the chain recomputes, a stored hash is the recomputed one,
/// so a rewrite that recomputed every later hash shows here as the first checkpoint whose hash differs.
public struct CheckpointAudit: Sendable {
    private let pool: PostgresPool
    private let pageSize: Int

    public init(pool: PostgresPool, pageSize: Int = 5_000) {
        self.pool = pool
        self.pageSize = pageSize
    }

    /// `trustedKeys`: the keys the auditor accepts; nil means the keys published in the database.
    public func run(trustedKeys: LogKeySet? = nil) async throws -> CheckpointReport {
        let keys: LogKeySet
        if let trustedKeys {
            keys = trustedKeys
        } else {
            keys = try await LogCheckpointStore(pool: pool).keys()
        }
        let head = try await EventReader(pool: pool).head()
        var checked = 0
        var oldest: LogCheckpoint?
        var newest: LogCheckpoint?
        var lastAgreeing: LogCheckpoint?
        var after: Int64 = 0
        let limit = Int64(pageSize)
        while true {
            let page = try await pool.withConnection { [after] connection in
                try connection.query(
                    """
                    SELECT c.position, c.hash, c.recorded_at_us, c.signed_at_us, c.key_id, c.signature, e.hash,
                           (extract(epoch FROM e.recorded_at) * 1000000)::bigint
                    FROM log_checkpoints c LEFT JOIN events e USING (position)
                    WHERE c.position > \(after) ORDER BY c.position LIMIT \(limit)
                    """)
            }
            if page.isEmpty { break }
            for row in page {
                let checkpoint = try LogCheckpointStore.decode(row)
                let storedHash = try row.decode([UInt8]?.self, column: 6)
                let storedRecordedAt = try row.decode(Int64?.self, column: 7)
                checked += 1
                oldest = oldest ?? checkpoint
                newest = checkpoint
                after = checkpoint.position
                let reason: String? =
                    if !checkpoint.isValid(under: keys) {
                        "its signature is not valid under the published log keys (forged, altered, or outside its key's validity)"
                    } else if storedHash == nil || checkpoint.position > head.position {
                        "it vouches for position \(checkpoint.position), but the log ends at \(head.position): truncated"
                    } else if storedHash != checkpoint.hash {
                        "the log's hash at position \(checkpoint.position) disagrees with the signed one: history was rewritten"
                    } else if storedRecordedAt != checkpoint.recordedAtMicroseconds {
                        "the recorded time at position \(checkpoint.position) disagrees with the signed one"
                    } else {
                        nil
                    }
                if let reason {
                    return CheckpointReport(
                        checkpointsChecked: checked, oldest: oldest, newest: newest, lastAgreeing: lastAgreeing,
                        firstProblem: (checkpoint, reason))
                }
                lastAgreeing = checkpoint
            }
        }
        return CheckpointReport(
            checkpointsChecked: checked, oldest: oldest, newest: newest, lastAgreeing: lastAgreeing, firstProblem: nil)
    }
}
