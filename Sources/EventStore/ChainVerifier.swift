import Foundation
import Postgres

/// What an auditor learns from recomputing the chain.
public struct ChainReport: Sendable, Hashable {
    /// A place where the log stops being what its hashes promise.
    public struct BrokenLink: Sendable, Hashable, CustomStringConvertible {
        public enum Reason: Sendable, Hashable {
            /// Position `expected` is missing: the next event found has a later position.
            case gap(expected: Int64)
            /// The event's `previous_hash` is not the hash of the event before it.
            case previousHashMismatch
            /// The event's content no longer hashes to its stored hash: it was altered.
            case hashMismatch
            /// The head row does not point at the last event.
            case headMismatch
        }

        public let position: Int64
        public let reason: Reason

        public var description: String {
            switch reason {
            case .gap(let expected): "position \(expected) is missing (next found: \(position))"
            case .previousHashMismatch: "event \(position): previous_hash does not match the event before it"
            case .hashMismatch: "event \(position): content does not match its hash (altered)"
            case .headMismatch: "the head row does not match the last event (position \(position))"
            }
        }
    }

    public let eventsChecked: Int64
    /// The last link recomputed from the events themselves.
    public let head: ChainHead
    public let firstBrokenLink: BrokenLink?

    public var isIntact: Bool { firstBrokenLink == nil }
}

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
