import Accounts
import CivilTime
import Crypto
import EventStore
import Foundation
import Glibc
import Operations
import Postgres
import Records

/// The chain's last link as auditors keep it.
struct ChainHeadView: Encodable, Sendable {
    let position: Int64
    let hash: String

    init(_ head: ChainHead) {
        position = head.position
        hash = Hex.encode(head.hash)
    }
}
