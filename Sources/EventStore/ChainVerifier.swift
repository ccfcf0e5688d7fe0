import Foundation
import Postgres

/// Recomputes the whole chain from the stored text of every event, in pages, and checks positions are gapless.
public struct ChainVerifier: Sendable {
    private let pool: PostgresPool
    private let pageSize: Int

    public init(pool: PostgresPool, pageSize: Int = 5_000) {
        self.pool = pool
        self.pageSize = pageSize
    }

    public func verify() async throws -> ChainReport {
        let pageSize = Int64(pageSize)
        var checked: Int64 = 0
        var previous = ChainHead.genesis
        while true {
            let after = previous
            let page = try await pool.withConnection { connection in
                try connection.query(
                    """
                    SELECT position, stream_id, stream_version, event_id, event_type, schema_version, data::text,
                           metadata::text, (extract(epoch FROM recorded_at) * 1000000)::bigint, previous_hash, hash
                    FROM events WHERE position > \(after.position) ORDER BY position LIMIT \(pageSize)
                    """)
            }
            if page.isEmpty { break }
            for row in page {
                let position = try row.decode(Int64.self, column: 0)
                if position != previous.position + 1 {
                    return ChainReport(
                        eventsChecked: checked, head: previous,
                        firstBrokenLink: .init(position: position, reason: .gap(expected: previous.position + 1)))
                }
                let previousHash = try row.decode([UInt8].self, column: 9)
                let storedHash = try row.decode([UInt8].self, column: 10)
                guard previousHash == previous.hash else {
                    return ChainReport(
                        eventsChecked: checked, head: previous,
                        firstBrokenLink: .init(position: position, reason: .previousHashMismatch))
                }
                let recomputed = HashChain.hash(
                    previousHash: previousHash, position: position, streamID: StreamID(try row.decode(String.self, column: 1)),
                    streamVersion: try row.decode(Int.self, column: 2), eventID: try row.decode(UUID.self, column: 3),
                    type: try row.decode(String.self, column: 4), schemaVersion: try row.decode(Int.self, column: 5),
                    dataText: try row.decode(String.self, column: 6), metadataText: try row.decode(String.self, column: 7),
                    recordedAtMicroseconds: try row.decode(Int64.self, column: 8))
                guard recomputed == storedHash else {
                    return ChainReport(
                        eventsChecked: checked, head: previous, firstBrokenLink: .init(position: position, reason: .hashMismatch))
                }
                checked += 1
                previous = ChainHead(position: position, hash: storedHash)
            }
        }
        let stored = try await EventReader(pool: pool).head()
        let broken = stored == previous ? nil : ChainReport.BrokenLink(position: stored.position, reason: .headMismatch)
        return ChainReport(eventsChecked: checked, head: previous, firstBrokenLink: broken)
    }
}
