import Postgres

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
