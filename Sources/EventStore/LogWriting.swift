import Crypto
import Foundation
import Postgres

/// The steps every appending transaction shares, whichever path (batched, bulk, one per append) takes it:
/// lock the head, link events into the chain, insert them in one statement, move the head and the checkpoints, and
/// notify followers. Keeping them in one place keeps one chain format and one insert statement.
enum LogWriting {
    /// The `event_log_head` row is created by the first migration; without it nothing can be appended.
    struct MissingHeadRow: Error {}

    /// Locks the head row for the rest of the transaction: positions stay dense and equal to commit order.
    static func lockHead(on connection: PostgresConnection) throws -> ChainHead {
        let headRows = try connection.query("SELECT position, hash FROM event_log_head FOR UPDATE")
        guard let headRow = headRows.first else { throw MissingHeadRow() }
        return ChainHead(position: try headRow.decode(Int64.self, column: 0), hash: try headRow.decode([UInt8].self, column: 1))
    }

    /// The canonical JSON texts of one request: what is stored and what the hash covers.
    struct Texts {
        let data: [String]
        let metadata: String

        init(of request: AppendRequest, metadataText: String? = nil) throws(JSONValueError) {
            if let metadataText {
                metadata = metadataText
            } else {
                metadata = try request.metadata.canonicalText()
            }
            var data: [String] = []
            data.reserveCapacity(request.events.count)
            for event in request.events { data.append(try event.data.canonicalText()) }
            self.data = data
        }
    }

    /// Assigns positions after `head`, stream versions from `firstVersion` and the hash chain to one request's events.
    static func record(
        _ request: AppendRequest, texts: Texts, firstVersion: Int, after head: ChainHead, at microseconds: Int64
    ) -> [RecordedEvent] {
        var previous = head
        var events: [RecordedEvent] = []
        events.reserveCapacity(request.events.count)
        for (offset, event) in request.events.enumerated() {
            let position = previous.position + 1
            let version = firstVersion + offset
            let hash = HashChain.hash(
                previousHash: previous.hash, position: position, streamID: request.stream, streamVersion: version,
                eventID: event.id, type: event.type, schemaVersion: event.schemaVersion, dataText: texts.data[offset],
                metadataText: texts.metadata, recordedAtMicroseconds: microseconds)
            events.append(
                RecordedEvent(
                    position: position, streamID: request.stream, streamVersion: version, id: event.id, type: event.type,
                    schemaVersion: event.schemaVersion, data: event.data, metadata: request.metadata,
                    recordedAtMicroseconds: microseconds, previousHash: previous.hash, hash: hash))
            previous = ChainHead(position: position, hash: hash)
        }
        return events
    }

    static func microseconds(since1970 date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// Inserts the rows, moves the head to `head`, records every projection's checkpoint and notifies `events`.
    /// Does nothing when no event was recorded.
    static func finish(_ rows: EventRows, head: ChainHead, projections: [any InlineProjection], on connection: PostgresConnection)
        throws
    {
        try finish(finishStatement(rows, head: head, projections: projections), on: connection)
    }

    /// Runs a statement from `finishStatement` (built in advance, e.g. before the transaction began).
    static func finish(_ statement: PostgresQuery?, on connection: PostgresConnection) throws {
        guard let statement else { return }
        try connection.execute(statement)
    }

    /// The one statement that ends an appending transaction, nil when no event was recorded: the insert, the head,
    /// the checkpoints and the notification travel together, so the transaction pays one round trip for them (its
    /// head lock is held meanwhile, so every round trip saved there is throughput). Data-modifying `WITH` parts run
    /// exactly once whether or not the final `SELECT` reads them.
    ///
    /// The rows form one unbroken stretch of the chain, so positions are the first one plus the row's ordinal, each
    /// `previous_hash` is the hash of the row before (the first one's comes from the old head), and all hashes travel
    /// as one `bytea` cut into 32-byte pieces by the server: no per-row hex text to make and parse.
    static func finishStatement(_ rows: EventRows, head: ChainHead, projections: [any InlineProjection]) -> PostgresQuery? {
        guard let firstPosition = rows.firstPosition, let recordedAt = rows.recordedAt else { return nil }
        return
            """
            WITH appended AS (
                INSERT INTO events (position, stream_id, stream_version, event_id, event_type, schema_version, data,
                                    metadata, recorded_at, previous_hash, hash)
                SELECT \(firstPosition) + ordinal - 1, stream_id, stream_version, event_id, event_type, schema_version,
                       data::jsonb, metadata::jsonb, timestamptz 'epoch' + \(recordedAt) * interval '1 microsecond',
                       CASE WHEN ordinal = 1 THEN \(rows.firstPreviousHash) ELSE substring(\(rows.hashes) FROM (ordinal * 32 - 63)::integer FOR 32) END,
                       substring(\(rows.hashes) FROM (ordinal * 32 - 31)::integer FOR 32)
                FROM unnest(\(rows.streamIDs), \(rows.streamVersions), \(rows.eventIDs), \(rows.types), \(rows.schemaVersions),
                            \(rows.data), \(rows.metadata))
                    WITH ORDINALITY AS appended(stream_id, stream_version, event_id, event_type, schema_version, data, metadata,
                                                ordinal)
                RETURNING 1
            ), moved_head AS (
                UPDATE event_log_head SET position = \(head.position), hash = \(head.hash) RETURNING 1
            ), checkpoints AS (
                INSERT INTO projection_checkpoints (projection, position)
                SELECT name, \(head.position) FROM unnest(\(projections.map(\.name))) AS name
                ON CONFLICT (projection) DO UPDATE SET position = excluded.position
                RETURNING 1
            )
            SELECT pg_notify('events', \(String(head.position)))
            """
    }
}
