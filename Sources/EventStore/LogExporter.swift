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
    /// position in `first...through`. `write` receives chunks of whole lines, each ending in a newline.
    public func export(
        from first: Int64 = 1, after: Int64? = nil, through requested: Int64? = nil, write: ([UInt8]) async throws -> Void
    ) async throws -> Summary {
        let through: Int64
        if let requested {
            through = requested
        } else {
            through = try await EventReader(pool: pool).head().position
        }
        var summary = Summary()
        var position = max(first - 1, after ?? 0)
        let limit = Int64(pageSize)
        while position < through {
            let page = try await pool.withConnection { [position] connection in
                try connection.query("\(unsafeSQL: Self.eventLines) WHERE position > \(position) AND position <= \(through) ORDER BY position LIMIT \(limit)")
            }
            guard !page.isEmpty else { break }
            var chunk: [UInt8] = []
            chunk.reserveCapacity(page.count * 600)
            for row in page {
                chunk += try row.decode(String.self, column: 1).utf8
                chunk.append(UInt8(ascii: "\n"))
            }
            position = try page[page.count - 1].decode(Int64.self, column: 0)
            if summary.firstPosition == nil { summary.firstPosition = try page[0].decode(Int64.self, column: 0) }
            summary.lastPosition = position
            summary.events += Int64(page.count)
            try await write(chunk)
        }
        var checkpointPosition = first - 1
        while true {
            let page = try await LogCheckpointStore(pool: pool).checkpoints(after: checkpointPosition, through: through, limit: pageSize)
            guard let last = page.last else { break }
            try await write(page.flatMap(\.ndjsonLine))
            summary.checkpoints += page.count
            checkpointPosition = last.position
        }
        return summary
    }

    /// One NDJSON line per event, built by PostgreSQL from the stored columns: the JSON texts the hash covers travel
    /// as JSON strings (`to_json(text)`), so they arrive byte for byte; hashes as lowercase hex.
    static let eventLines = """
        SELECT position, '{"record":"event","position":' || position
            || ',"stream_id":' || to_json(stream_id)::text
            || ',"stream_version":' || stream_version
            || ',"event_id":"' || event_id::text
            || '","event_type":' || to_json(event_type)::text
            || ',"schema_version":' || schema_version
            || ',"data_text":' || to_json(data::text)::text
            || ',"metadata_text":' || to_json(metadata::text)::text
            || ',"recorded_at_us":' || (extract(epoch FROM recorded_at) * 1000000)::bigint
            || ',"previous_hash":"' || encode(previous_hash, 'hex')
            || '","hash":"' || encode(hash, 'hex') || '"}'
        FROM events
        """
}
