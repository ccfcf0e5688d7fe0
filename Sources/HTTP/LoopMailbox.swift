import CShim
import Glibc
import Synchronization

/// Identifies one exchange (request and response) on one connection. The slot and generation find the connection
/// and reject a reused slot; the exchange number rejects a late message from a previous request's task.
struct ConnectionToken: Sendable, Hashable {
    let slot: UInt32
    let generation: UInt32
    let exchange: UInt32
}

/// What other threads ask of an event loop.
enum LoopMessage: Sendable {
    /// A connection accepted by another loop, handed over for balance.
    case adopt(fd: Int32, remoteAddress: String)
    case response(ConnectionToken, HTTPResponse)
    /// A chunk of a streamed body; the continuation is resumed when the connection can take more.
    case chunk(ConnectionToken, [UInt8], CheckedContinuation<Void, any Error>)
    case streamEnd(ConnectionToken, completed: Bool)
    case shutdown(deadline: UInt64)
}

/// A loop's inbox: a locked array plus an eventfd that wakes the loop's epoll. Only the post that finds the inbox
/// empty writes the eventfd, so a burst of responses costs one wake-up.
final class LoopMailbox: Sendable {
    private struct State {
        var messages: [LoopMessage] = []
        var closed = false
    }

    /// Owned by the mailbox and closed when the last task holding the mailbox is gone, so a late post never writes
    /// to a reused descriptor.
    let wakeDescriptor: Int32
    private let state = Mutex(State())

    init() throws(HTTPSystemError) {
        wakeDescriptor = try checkedCall("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
    }

    deinit {
        Glibc.close(wakeDescriptor)
    }

    /// Returns false once the loop has exited; the caller then owns whatever the message carried.
    func post(_ message: LoopMessage) -> Bool {
        let wake: Bool? = state.withLock { state in
            guard !state.closed else { return nil }
            state.messages.append(message)
            return state.messages.count == 1
        }
        guard let wake else { return false }
        if wake {
            var one: UInt64 = 1
            _ = write(wakeDescriptor, &one, 8)
        }
        return true
    }

    /// Resets the eventfd, then swaps the inbox with `buffer` (which must be empty): reading the eventfd first means
    /// a post racing with the swap either lands in this batch or wakes the loop again.
    func takeAll(into buffer: inout [LoopMessage]) {
        var counter: UInt64 = 0
        _ = read(wakeDescriptor, &counter, 8)
        state.withLock { state in swap(&state.messages, &buffer) }
    }

    /// Refuses further posts and returns what was still queued.
    func close() -> [LoopMessage] {
        state.withLock { state in
            state.closed = true
            defer { state.messages = [] }
            return state.messages
        }
    }
}
