import CLibPQ
import Glibc

/// A notification received by `LISTEN`.
public struct PostgresNotification: Sendable, Hashable {
    public let channel: String
    public let payload: String
}
