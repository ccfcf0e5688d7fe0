import Crypto
import EventStore
import Foundation
import Glibc
import Postgres

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
        try container.encode(EncodableJSON(event.data), forKey: .data)
        try container.encode(Self.timestamp(microseconds: event.recordedAtMicroseconds), forKey: .recordedAt)
        try container.encode(event.metadata["principal"]?.stringValue, forKey: .principal)
        let scopes = event.metadata["scopes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        try container.encode(scopes, forKey: .scopes)
        try container.encode(event.metadata["request_id"]?.stringValue, forKey: .requestID)
        try container.encode(Hex.encode(event.hash), forKey: .hash)
    }

    /// RFC 3339 in UTC with the microseconds the log stores (the precision the hash chain covers).
    static func timestamp(microseconds: Int64) -> String {
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let fraction = microseconds - seconds * 1_000_000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(fraction))
    }
}

/// The log's JSON values (data, metadata) inside a response, unchanged.
struct EncodableJSON: Encodable, Sendable {
    let value: EventStore.JSONValue

    init(_ value: EventStore.JSONValue) {
        self.value = value
    }

    private struct MemberKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .int(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(EncodableJSON(element)) }
        case .object(let members):
            var container = encoder.container(keyedBy: MemberKey.self)
            for (name, member) in members { try container.encode(EncodableJSON(member), forKey: MemberKey(stringValue: name)) }
        }
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

/// One row of the security log.
struct SecurityLogRow: Encodable, Sendable {
    let id: Int64
    let recordedAt: Date
    let kind: String
    let principal: String?
    let attemptedUsername: String?
    let clientAddress: String?
    let reason: String
    let requestID: String?

    enum CodingKeys: String, CodingKey {
        case id, recordedAt = "recorded_at", kind, principal, attemptedUsername = "attempted_username"
        case clientAddress = "client_address", reason, requestID = "request_id"
    }

    /// Absent values are written as `null`, so every row has every member.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(ISO8601.string(from: recordedAt), forKey: .recordedAt)
        try container.encode(kind, forKey: .kind)
        try container.encode(principal, forKey: .principal)
        try container.encode(attemptedUsername, forKey: .attemptedUsername)
        try container.encode(clientAddress, forKey: .clientAddress)
        try container.encode(reason, forKey: .reason)
        try container.encode(requestID, forKey: .requestID)
    }

    static func decode(_ row: PostgresRow) throws -> SecurityLogRow {
        SecurityLogRow(
            id: try row.decode(Int64.self, column: 0), recordedAt: try row.decode(Date.self, column: 1),
            kind: try row.decode(String.self, column: 2), principal: try row.decode(String?.self, column: 3),
            attemptedUsername: try row.decode(String?.self, column: 4), clientAddress: try row.decode(String?.self, column: 5),
            reason: try row.decode(String.self, column: 6), requestID: try row.decode(String?.self, column: 7))
    }
}

/// A page of the security log, by id; `next_after` as in `EventLogPage`.
struct SecurityLogPage: Encodable, Sendable {
    let entries: [SecurityLogRow]
    let nextAfter: Int64

    enum CodingKeys: String, CodingKey {
        case entries, nextAfter = "next_after"
    }
}
