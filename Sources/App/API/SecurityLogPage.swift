import Accounts
import CivilTime
import Crypto
import EventStore
import Foundation
import Glibc
import Operations
import Postgres
import Records

/// A page of the security log, by id; `next_after` as in `EventLogPage`.
struct SecurityLogPage: Encodable, Sendable {
    let entries: [SecurityLogEntryView]
    let nextAfter: Int64

    enum CodingKeys: String, CodingKey {
        case entries, nextAfter = "next_after"
    }
}
