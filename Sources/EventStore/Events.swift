import Foundation

/// The name of one consistency boundary in the log, e.g. `employee-10001`.
public struct StreamID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}

/// What the caller believes the stream's version to be; a mismatch is a concurrency error, never a lost update.
public enum ExpectedVersion: Sendable, Hashable {
    /// The stream must not exist yet.
    case noStream
    /// The stream must be at exactly this version (the number of events in it).
    case exactly(Int)
    /// No check: for system writers that append facts which cannot conflict.
    case any
}

/// An event about to be appended: its identity, type and payload. Position, version and hash come from the store.
public struct NewEvent: Sendable, Hashable {
    /// Unique per event; a retried append with the same ids returns the first result instead of appending twice.
    public let id: UUID
    public let type: String
    public let schemaVersion: Int
    public let data: JSONValue

    public init(id: UUID = UUID(), type: String, schemaVersion: Int = 1, data: JSONValue) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
    }
}

/// An event as the log holds it.
public struct RecordedEvent: Sendable, Hashable {
    public let position: Int64
    public let streamID: StreamID
    public let streamVersion: Int
    public let id: UUID
    public let type: String
    public let schemaVersion: Int
    public let data: JSONValue
    public let metadata: JSONValue
    /// Microseconds since the Unix epoch: the precision PostgreSQL stores, so the chain recomputes exactly.
    public let recordedAtMicroseconds: Int64
    public let previousHash: [UInt8]
    public let hash: [UInt8]

    public init(
        position: Int64, streamID: StreamID, streamVersion: Int, id: UUID, type: String, schemaVersion: Int,
        data: JSONValue, metadata: JSONValue, recordedAtMicroseconds: Int64, previousHash: [UInt8], hash: [UInt8]
    ) {
        self.position = position
        self.streamID = streamID
        self.streamVersion = streamVersion
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadata
        self.recordedAtMicroseconds = recordedAtMicroseconds
        self.previousHash = previousHash
        self.hash = hash
    }

    public var recordedAt: Date {
        Date(timeIntervalSince1970: Double(recordedAtMicroseconds) / 1_000_000)
    }
}

/// The last link of the chain: what an auditor keeps outside the database to prove later that the log only grew.
public struct ChainHead: Sendable, Hashable {
    public let position: Int64
    public let hash: [UInt8]

    public init(position: Int64, hash: [UInt8]) {
        self.position = position
        self.hash = hash
    }

    public static let genesis = ChainHead(position: 0, hash: [UInt8](repeating: 0, count: 32))
}
