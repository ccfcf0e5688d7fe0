import Foundation

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
