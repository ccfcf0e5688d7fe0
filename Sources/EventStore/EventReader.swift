import Foundation
import Postgres

/// Reads the log: one stream, or the global order from a position, in pages.
public struct EventReader: Sendable {
    private let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Every event of a stream in version order (empty for a stream that does not exist).
    public func stream(_ stream: StreamID) async throws -> [RecordedEvent] {
        try await pool.withConnection { connection in try Self.stream(stream, on: connection) }
    }

    /// Up to `limit` events with a position greater than `position`, in position (= commit) order.
    public func events(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await pool.withConnection { connection in try Self.events(after: position, limit: limit, on: connection) }
    }

    /// A page of events and the chain's head, read from one snapshot, so the head is never behind the page.
    public func page(after position: Int64, limit: Int) async throws -> (events: [RecordedEvent], head: ChainHead) {
        try await pool.withConnection { connection in
            try connection.withTransaction {
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                return (try Self.events(after: position, limit: limit, on: connection), try Self.head(on: connection))
            }
        }
    }

    /// The chain's last link: the position and hash an auditor keeps.
    public func head() async throws -> ChainHead {
        try await pool.withConnection { connection in try Self.head(on: connection) }
    }

    public static func stream(_ stream: StreamID, on connection: PostgresConnection) throws -> [RecordedEvent] {
        try decode(
            connection.query("\(unsafeSQL: selectColumns) WHERE stream_id = \(stream.rawValue) ORDER BY stream_version"))
    }

    /// Every event of each of `streams`, in version order, with one query; a stream that does not exist is absent.
    public static func streams(_ streams: [StreamID], on connection: PostgresConnection) throws -> [StreamID: [RecordedEvent]] {
        let events = try decode(
            connection.query(
                "\(unsafeSQL: selectColumns) WHERE stream_id = ANY(\(streams.map(\.rawValue))) ORDER BY stream_id, stream_version"
            ))
        return Dictionary(grouping: events, by: \.streamID)
    }

    public static func events(after position: Int64, limit: Int, on connection: PostgresConnection) throws -> [RecordedEvent] {
        try decode(
            connection.query("\(unsafeSQL: selectColumns) WHERE position > \(position) ORDER BY position LIMIT \(Int64(limit))"))
    }

    public static func head(on connection: PostgresConnection) throws -> ChainHead {
        let rows = try connection.query("SELECT position, hash FROM event_log_head")
        guard let row = rows.first else { return .genesis }
        return ChainHead(position: try row.decode(Int64.self, column: 0), hash: try row.decode([UInt8].self, column: 1))
    }

    static let selectColumns = """
        SELECT position, stream_id, stream_version, event_id, event_type, schema_version, data::text, metadata::text,
               (extract(epoch FROM recorded_at) * 1000000)::bigint, previous_hash, hash
        FROM events
        """

    static func decode(_ rows: PostgresRows) throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        events.reserveCapacity(rows.count)
        for row in rows {
            events.append(
                RecordedEvent(
                    position: try row.decode(Int64.self, column: 0),
                    streamID: StreamID(try row.decode(String.self, column: 1)),
                    streamVersion: try row.decode(Int.self, column: 2),
                    id: try row.decode(UUID.self, column: 3),
                    type: try row.decode(String.self, column: 4),
                    schemaVersion: try row.decode(Int.self, column: 5),
                    data: try JSONValue(parsing: row.decode(String.self, column: 6)),
                    metadata: try JSONValue(parsing: row.decode(String.self, column: 7)),
                    recordedAtMicroseconds: try row.decode(Int64.self, column: 8),
                    previousHash: try row.decode([UInt8].self, column: 9),
                    hash: try row.decode([UInt8].self, column: 10)))
        }
        return events
    }
}
