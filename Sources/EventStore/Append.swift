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

/// A read model kept up to date inside the appending transaction, so a command's result can be read back at once.
public protocol InlineProjection: Sendable {
    /// The key of this projection's checkpoint in `projection_checkpoints`.
    var name: String { get }

    /// Applies one request's events, on the appending transaction's connection. Throw `ProjectionRejection` to
    /// refuse this request only; any other error fails the whole batch.
    func apply(_ events: [RecordedEvent], of request: AppendRequest, on connection: PostgresConnection) throws

    /// Applies many requests that each created a new stream (the bulk path of imports): `events[i]` are the
    /// events of `requests[i]`. A projection can write them with a few set-based statements. Throwing
    /// `ProjectionRejection` or a unique violation makes the caller retry the chunk one request at a time with
    /// `apply`, so that exactly the offending requests are refused. The default calls `apply` per request.
    func applyBulk(_ events: [[RecordedEvent]], of requests: [AppendRequest], on connection: PostgresConnection) throws

    /// Applies the requests of one batch of the batching appender, each on a different stream (new or existing):
    /// `events[i]` are the events of `requests[i]`, in position order. A projection can write the common kinds with
    /// a few set-based statements, so a batch costs a handful of round trips instead of one per command. Throwing
    /// `ProjectionRejection` or a unique violation makes the appender retry the batch one request at a time with
    /// `apply`. The default calls `apply` per request.
    func applyBatch(_ events: [[RecordedEvent]], of requests: [AppendRequest], on connection: PostgresConnection) throws

    /// Empties the projection's tables before a rebuild.
    func reset(on connection: PostgresConnection) throws

    /// A fresh accumulator for a rebuild from the whole log (no attachments are available then).
    func makeRebuilder() -> any ProjectionRebuilder
}

extension InlineProjection {
    public func applyBulk(_ events: [[RecordedEvent]], of requests: [AppendRequest], on connection: PostgresConnection) throws {
        for (recorded, request) in zip(events, requests) { try apply(recorded, of: request, on: connection) }
    }

    public func applyBatch(_ events: [[RecordedEvent]], of requests: [AppendRequest], on connection: PostgresConnection) throws {
        for (recorded, request) in zip(events, requests) { try apply(recorded, of: request, on: connection) }
    }
}

/// Folds the log, in position order, into a projection's rows during a rebuild, then writes them in bulk.
public protocol ProjectionRebuilder {
    mutating func consume(_ event: RecordedEvent) throws
    /// Writes the accumulated rows into the (just emptied) tables, inside the rebuild's transaction.
    func finish(on connection: PostgresConnection) throws
}
