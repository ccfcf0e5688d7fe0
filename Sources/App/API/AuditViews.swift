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

/// An employee's stream, oldest first.
struct EmployeeHistory: Encodable, Sendable {
    let empNo: Int
    let events: [LoggedEvent]

    enum CodingKeys: String, CodingKey {
        case empNo = "emp_no", events
    }
}

/// The chain's last link as auditors keep it.
struct ChainHeadView: Encodable, Sendable {
    let position: Int64
    let hash: String

    init(_ head: ChainHead) {
        position = head.position
        hash = Hex.encode(head.hash)
    }
}

/// A page of the global log: pass `next_after` as `after` to read on. It is `null` once the page reaches the head
/// of the log (as it was when the page was read), so a client paging to the end stops; to wait for new events,
/// poll with the last position seen, or follow `/events/stream`.
struct EventLogPage: Encodable, Sendable {
    let events: [LoggedEvent]
    let nextAfter: Int64?
    let head: ChainHeadView

    enum CodingKeys: String, CodingKey {
        case events, nextAfter = "next_after", head
    }

    /// `next_after` is written as `null` at the end, never left out.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(events, forKey: .events)
        try container.encode(nextAfter, forKey: .nextAfter)
        try container.encode(head, forKey: .head)
    }
}

/// One security-log entry as auditors read it: every member present, absent values as `null`.
struct SecurityLogEntryView: Encodable, Sendable {
    let stored: SecurityLog.StoredEntry

    enum CodingKeys: String, CodingKey {
        case id, recordedAt = "recorded_at", kind, principal, attemptedUsername = "attempted_username"
        case clientAddress = "client_address", reason, requestID = "request_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let entry = stored.entry
        try container.encode(stored.id, forKey: .id)
        try container.encode(ISO8601.string(from: entry.recordedAt), forKey: .recordedAt)
        try container.encode(entry.kind, forKey: .kind)
        try container.encode(entry.principal, forKey: .principal)
        try container.encode(entry.attemptedUsername, forKey: .attemptedUsername)
        try container.encode(entry.clientAddress, forKey: .clientAddress)
        try container.encode(entry.reason, forKey: .reason)
        try container.encode(entry.requestID, forKey: .requestID)
    }
}

/// A page of the security log, by id; `next_after` as in `EventLogPage`.
struct SecurityLogPage: Encodable, Sendable {
    let entries: [SecurityLogEntryView]
    let nextAfter: Int64

    enum CodingKeys: String, CodingKey {
        case entries, nextAfter = "next_after"
    }
}
