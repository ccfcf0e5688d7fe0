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

/// A committed append: the events as the log now holds them.
public struct AppendResult: Sendable, Hashable {
    public let events: [RecordedEvent]
    /// The stream's version after the append.
    public let streamVersion: Int
    /// True when the events were already in the log (a retried append), so nothing new was written.
    public let wasAlreadyAppended: Bool
}

/// Why an append did not happen. Nothing of a failed request is in the log.
public enum AppendError: Error, Sendable {
    /// The stream is not at the expected version: someone else appended first. Reload, decide again, retry.
    case wrongExpectedVersion(stream: StreamID, expected: ExpectedVersion, actual: Int)
    /// An inline projection refused the request (for example a unique key is taken); its neighbours went on.
    case rejected(ProjectionRejection)
    /// The request cannot be stored (an empty event list, or data PostgreSQL's jsonb cannot hold).
    case invalidRequest(String)
    /// The database could not be reached or the batch's transaction failed; nothing of the batch was committed.
    case unavailable(PostgresError?)
}

/// Thrown by an inline projection to refuse one request without failing the batch it is in.
public struct ProjectionRejection: Error, Sendable, Hashable {
    /// A stable machine-readable reason, e.g. `duplicate_email`.
    public let reason: String
    /// The input field the reason is about, when there is one.
    public let field: String?

    public init(reason: String, field: String? = nil) {
        self.reason = reason
        self.field = field
    }
}
