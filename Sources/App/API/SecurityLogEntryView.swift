import Accounts
import CivilTime
import Crypto
import EventStore
import Foundation
import Glibc
import Operations
import Postgres
import Records

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
