import Foundation

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
