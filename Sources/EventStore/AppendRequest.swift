import Foundation
import Postgres

/// One command's worth of events for one stream, as the appender takes it.
public struct AppendRequest: Sendable {
    public let stream: StreamID
    public let expectedVersion: ExpectedVersion
    public let events: [NewEvent]
    /// Who acted and how: principal, scopes, request and correlation ids, idempotency key. Stored on every event.
    public let metadata: JSONValue
    /// Values for side tables written in the same transaction that must never enter the log (a password hash).
    public let attachments: [String: String]

    public init(
        stream: StreamID, expectedVersion: ExpectedVersion, events: [NewEvent], metadata: JSONValue,
        attachments: [String: String] = [:]
    ) {
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.events = events
        self.metadata = metadata
        self.attachments = attachments
    }
}
