import JSONText
import Postgres

/// Writes the log as evidence an auditor can take away: every event exactly as stored (the fields its hash covers,
/// and the hash) as NDJSON in position order, followed by the signed checkpoints of the exported range. The format
/// is in docs/LOG-EVIDENCE.md. Streamed a page at a time: memory stays flat however long the log is.
public struct LogExporter: Sendable {
    /// What was written.
    public struct Summary: Sendable, Equatable {
        public var events: Int64 = 0
        public var firstPosition: Int64?
        public var lastPosition: Int64?
        public var checkpoints: Int = 0
    }

    private let pool: PostgresPool
    private let pageSize: Int

    public init(pool: PostgresPool, pageSize: Int = 5_000) {
        self.pool = pool
        self.pageSize = pageSize
    }

    /// Exports the events with a position of at least `first` (and greater than `after`, to resume an interrupted
    /// download) and at most `through` (default: the head when the export starts), then the checkpoints with a
    /// position in `first...through`. Without `through`, also the checkpoints beyond the head, read in the same
    /// snapshot: a genuine log never has any (a checkpoint follows its event), a truncated one does, and its export
    /// then fails verification on its own. `write` receives chunks of whole lines, each ending in a newline.
    public func export(
        from first: Int64 = 1, after: Int64? = nil, through requested: Int64? = nil, write: ([UInt8]) async throws -> Void
    ) async throws -> Summary {
        let through: Int64
        let checkpointsThrough: Int64
        if let requested {
            through = requested
            checkpointsThrough = requested
        } else {
            (through, checkpointsThrough) = try await pool.withConnection { connection in
                let row = try connection.query(
                    """
                    SELECT h.position, greatest(h.position, (SELECT coalesce(max(position), 0) FROM log_checkpoints))
                    FROM event_log_head h
                    """)[0]
                return (try row.decode(Int64.self, column: 0), try row.decode(Int64.self, column: 1))
            }
        }
        var summary = Summary()
        let limit = Int64(pageSize)
        let pool = pool
        @Sendable func fetch(after position: Int64) async throws -> PostgresRows {
            try await pool.withConnection { connection in
                try connection.query(
                    "\(unsafeSQL: Self.eventColumns) WHERE position > \(position) AND position <= \(through) ORDER BY position LIMIT \(limit)"
                )
            }
        }
        // The next page is fetched (on its connection's thread) while this one is formatted and written.
        let start = max(first - 1, after ?? 0)
        var next: Task<PostgresRows, any Error>? = start < through ? Task { try await fetch(after: start) } : nil
        defer { next?.cancel() }
        while let pending = next {
            let page = try await pending.value
            guard let lastRow = page.last else { break }
            let last = try lastRow.decode(Int64.self, column: 0)
            next = last < through ? Task { try await fetch(after: last) } : nil
            var chunk: [UInt8] = []
            chunk.reserveCapacity(page.count * 700)
            for row in page { try Self.appendLine(row, to: &chunk) }
            if summary.firstPosition == nil { summary.firstPosition = try page[0].decode(Int64.self, column: 0) }
            summary.lastPosition = last
            summary.events += Int64(page.count)
            try await write(chunk)
        }
        var checkpointPosition = first - 1
        while true {
            let page = try await LogCheckpointStore(pool: pool).checkpoints(
                after: checkpointPosition, through: checkpointsThrough, limit: pageSize)
            guard let last = page.last else { break }
            try await write(page.flatMap(\.ndjsonLine))
            summary.checkpoints += page.count
            checkpointPosition = last.position
        }
        return summary
    }

    /// The stored columns, each as the text the hash covers (`event_id::text` is the lowercase UUID; hashes in hex).
    static let eventColumns = """
        SELECT position, stream_id, stream_version, event_id::text, event_type, schema_version, data::text, metadata::text,
               (extract(epoch FROM recorded_at) * 1000000)::bigint, encode(previous_hash, 'hex'), encode(hash, 'hex')
        FROM events
        """

    /// One event as an NDJSON line (docs/LOG-EVIDENCE.md): the JSON texts the hash covers travel as JSON strings, so
    /// they arrive byte for byte; hashes as lowercase hex.
    static func appendLine(_ row: PostgresRow, to line: inout [UInt8]) throws {
        line += #"{"record":"event","position":"#.utf8
        line += String(try row.decode(Int64.self, column: 0)).utf8
        line += #","stream_id":"#.utf8
        JSONStringLiteral.appendQuoted(try row.decode(String.self, column: 1), to: &line)
        line += #","stream_version":"#.utf8
        line += String(try row.decode(Int64.self, column: 2)).utf8
        line += #","event_id":"#.utf8
        JSONStringLiteral.appendQuoted(try row.decode(String.self, column: 3), to: &line)
        line += #","event_type":"#.utf8
        JSONStringLiteral.appendQuoted(try row.decode(String.self, column: 4), to: &line)
        line += #","schema_version":"#.utf8
        line += String(try row.decode(Int64.self, column: 5)).utf8
        line += #","data_text":"#.utf8
        JSONStringLiteral.appendQuoted(try row.decode(String.self, column: 6), to: &line)
        line += #","metadata_text":"#.utf8
        JSONStringLiteral.appendQuoted(try row.decode(String.self, column: 7), to: &line)
        line += #","recorded_at_us":"#.utf8
        line += String(try row.decode(Int64.self, column: 8)).utf8
        line += #","previous_hash":""#.utf8
        line += try row.decode(String.self, column: 9).utf8
        line += #"","hash":""#.utf8
        line += try row.decode(String.self, column: 10).utf8
        line += "\"}\n".utf8
    }
}
