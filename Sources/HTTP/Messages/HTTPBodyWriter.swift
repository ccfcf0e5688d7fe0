/// Hands the chunks of a streamed body to the connection's event loop.
public struct HTTPBodyWriter: Sendable {
    let mailbox: LoopMailbox
    let token: ConnectionToken

    /// Queues `bytes` for sending; suspends while the connection's unsent output is above its high-water mark.
    /// Throws `HTTPClientDisconnected` when the client has left; empty chunks are ignored.
    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        if Task.isCancelled { throw HTTPClientDisconnected() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if !mailbox.post(.chunk(token, bytes, continuation)) {
                continuation.resume(throwing: HTTPClientDisconnected())
            }
        }
    }
}
