import Accounts
import CivilTime
import Crypto
import EventStore
import Foundation
import Glibc
import Operations
import Postgres
import Records

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
