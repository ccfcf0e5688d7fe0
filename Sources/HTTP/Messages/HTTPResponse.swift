/// What a handler returns. The server adds `Date`, the framing (`Content-Length` or chunked transfer coding) and
/// `Connection`; handler-set values of those are ignored, and a header that would split the response (a name that is
/// not a token, a value with CR, LF, NUL or another control character) turns the response into a 500.
public struct HTTPResponse: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Sent with chunked transfer coding (or until close to an HTTP/1.0 client), as the producer writes it.
        case stream(HTTPBodyStream)
    }

    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], stream: HTTPBodyStream) {
        self.status = status
        self.headers = headers
        self.body = .stream(stream)
    }

    /// `text/plain; charset=utf-8`.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// `application/json` with bytes the app encoded.
    public static func json(_ bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: bytes)
    }
}

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

/// Thrown by `HTTPBodyWriter.write` once the client has gone or the server is closing the connection.
public struct HTTPClientDisconnected: Error, Sendable {}

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
