import Accounts
import CivilTime
import Crypto
import EventStore
import Foundation
import Glibc
import Operations
import Postgres
import Records

/// One logged event as auditors read it: the envelope, the data as stored, and who acted (from the metadata).
/// The same shape serves the history, the paged log and the NDJSON stream.
struct LoggedEvent: Encodable, Sendable {
    let event: RecordedEvent

    enum CodingKeys: String, CodingKey {
        case position, streamID = "stream_id", version, eventID = "event_id", type, schemaVersion = "schema_version"
        case data, recordedAt = "recorded_at", principal, scopes, requestID = "request_id", hash
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event.position, forKey: .position)
        try container.encode(event.streamID.rawValue, forKey: .streamID)
        try container.encode(event.streamVersion, forKey: .version)
        try container.encode(event.id.uuidString.lowercased(), forKey: .eventID)
        try container.encode(event.type, forKey: .type)
        try container.encode(event.schemaVersion, forKey: .schemaVersion)
        try container.encode(event.data, forKey: .data)
        try container.encode(event.recordedAtText, forKey: .recordedAt)
        try container.encode(event.metadata["principal"]?.stringValue, forKey: .principal)
        let scopes = event.metadata["scopes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        try container.encode(scopes, forKey: .scopes)
        try container.encode(event.metadata["request_id"]?.stringValue, forKey: .requestID)
        try container.encode(Hex.encode(event.hash), forKey: .hash)
    }
}
