import Foundation
import Postgres

/// A committed append: the events as the log now holds them.
public struct AppendResult: Sendable, Hashable {
    public let events: [RecordedEvent]
    /// The stream's version after the append.
    public let streamVersion: Int
    /// True when the events were already in the log (a retried append), so nothing new was written.
    public let wasAlreadyAppended: Bool
}
