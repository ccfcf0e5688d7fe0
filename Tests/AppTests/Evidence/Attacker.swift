import EventStore
import Foundation
import Postgres

/// A database superuser who bypasses the service: disables the append-only triggers, changes history, and
/// recomputes the chain so that the chain alone no longer shows it.
struct Attacker {
    let database: PostgresConfiguration

    /// Changes the data of the event at `position`, then recomputes its hash, every later hash and the head.
    func rewrite(position: Int64) throws {
        let connection = try PostgresConnection.connect(to: database)
        try connection.withTransaction {
            try connection.execute("ALTER TABLE events DISABLE TRIGGER USER")
            try connection.execute(#"UPDATE events SET data = data || '{"rewritten": true}' WHERE position = \#(position)"#)
            var previous =
                try connection.query("SELECT hash FROM events WHERE position = \(position - 1)").first?
                .decode([UInt8].self, column: 0) ?? ChainHead.genesis.hash
            let rows = try connection.query(
                """
                SELECT position, stream_id, stream_version, event_id, event_type, schema_version, data::text, metadata::text,
                       (extract(epoch FROM recorded_at) * 1000000)::bigint
                FROM events WHERE position >= \(position) ORDER BY position
                """)
            for row in rows {
                let current = try row.decode(Int64.self, column: 0)
                let hash = HashChain.hash(
                    previousHash: previous, position: current, streamID: StreamID(try row.decode(String.self, column: 1)),
                    streamVersion: try row.decode(Int.self, column: 2), eventID: try row.decode(UUID.self, column: 3),
                    type: try row.decode(String.self, column: 4), schemaVersion: try row.decode(Int.self, column: 5),
                    dataText: try row.decode(String.self, column: 6), metadataText: try row.decode(String.self, column: 7),
                    recordedAtMicroseconds: try row.decode(Int64.self, column: 8))
                try connection.execute(
                    "UPDATE events SET previous_hash = \(previous), hash = \(hash) WHERE position = \(current)")
                previous = hash
            }
            try connection.execute("UPDATE event_log_head SET hash = \(previous)")
            try connection.execute("ALTER TABLE events ENABLE TRIGGER USER")
        }
    }

    /// Deletes the events after `kept` and moves the head back to it.
    func truncate(keeping kept: Int64) throws {
        let connection = try PostgresConnection.connect(to: database)
        try connection.withTransaction {
            try connection.execute("ALTER TABLE events DISABLE TRIGGER USER")
            try connection.execute("DELETE FROM events WHERE position > \(kept)")
            try connection.execute(
                "UPDATE event_log_head SET position = \(kept), hash = (SELECT hash FROM events WHERE position = \(kept))")
            try connection.execute("ALTER TABLE events ENABLE TRIGGER USER")
        }
    }

    /// Removes the signed evidence from `position` on.
    func deleteCheckpoints(from position: Int64) throws {
        let connection = try PostgresConnection.connect(to: database)
        try connection.withTransaction {
            try connection.execute("ALTER TABLE log_checkpoints DISABLE TRIGGER USER")
            try connection.execute("DELETE FROM log_checkpoints WHERE position >= \(position)")
            try connection.execute("ALTER TABLE log_checkpoints ENABLE TRIGGER USER")
        }
    }

    func flipSignatureBit(position: Int64) throws {
        let connection = try PostgresConnection.connect(to: database)
        try connection.withTransaction {
            try connection.execute("ALTER TABLE log_checkpoints DISABLE TRIGGER USER")
            try connection.execute(
                "UPDATE log_checkpoints SET signature = set_bit(signature, 0, 1 - get_bit(signature, 0)) WHERE position = \(position)"
            )
            try connection.execute("ALTER TABLE log_checkpoints ENABLE TRIGGER USER")
        }
    }
}
