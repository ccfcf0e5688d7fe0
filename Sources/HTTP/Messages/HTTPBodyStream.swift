/// A response body produced while it is sent. The producer runs in the request's task after the head is written;
/// it ends when the client leaves (the task is cancelled and `write` throws), so an endless event stream stops with
/// its client.
public struct HTTPBodyStream: Sendable {
    let produce: @Sendable (HTTPBodyWriter) async throws -> Void

    /// A producer that writes chunks itself; `write` suspends while the client is slow (back-pressure).
    public init(_ produce: @escaping @Sendable (HTTPBodyWriter) async throws -> Void) {
        self.produce = produce
    }

    /// Sends each element of `chunks`. The next element is only requested once the previous one was accepted, and an
    /// `AsyncStream` source is terminated (its `onTermination` runs) when the client leaves.
    public init<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks) where Chunks.Element == [UInt8] {
        self.produce = { writer in
            for try await chunk in chunks {
                try await writer.write(chunk)
            }
        }
    }
}
