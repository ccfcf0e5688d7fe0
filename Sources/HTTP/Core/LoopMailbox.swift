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
    /// A job of a request's task, run on the loop's own thread (see `LoopExecutor`).
    case job(UnownedJob)
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
    /// The loop's thread: its own posts need no wake-up, since it drains the inbox before it next waits.
    private let owner = Atomic<UInt>(0)

    init() throws(HTTPSystemError) {
        wakeDescriptor = try checkedCall("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
    }

    deinit {
        Glibc.close(wakeDescriptor)
    }

    func setOwner(_ thread: pthread_t) {
        owner.store(thread, ordering: .releasing)
    }

    /// Returns false once the loop has exited; the caller then owns whatever the message carried.
    func post(_ message: LoopMessage) -> Bool {
        let wake: Bool? = state.withLock { state in
            guard !state.closed else { return nil }
            state.messages.append(message)
            return state.messages.count == 1
        }
        guard let wake else { return false }
        if wake && pthread_self() != owner.load(ordering: .acquiring) {
            var one: UInt64 = 1
            _ = write(wakeDescriptor, &one, 8)
        }
        return true
    }

    /// Resets the eventfd; call before `takeAll`, so a post racing with the swap either lands in this batch or
    /// wakes the loop again.
    func resetWake() {
        var counter: UInt64 = 0
        _ = read(wakeDescriptor, &counter, 8)
    }

    /// Swaps the inbox with `buffer`, which must be empty; false when there was nothing.
    func takeAll(into buffer: inout [LoopMessage]) -> Bool {
        state.withLock { state in
            guard !state.messages.isEmpty else { return false }
            swap(&state.messages, &buffer)
            return true
        }
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

/// Runs the jobs of request tasks on the thread of the loop that owns the connection: a handler that does not leave
/// it (or that awaits and comes back) costs no thread hop and no wake-up. Jobs arriving after the loop exited go to the
/// global executor.
final class LoopExecutor: TaskExecutor {
    private let mailbox: LoopMailbox

    init(mailbox: LoopMailbox) {
        self.mailbox = mailbox
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if !mailbox.post(.job(job)) {
            globalConcurrentExecutor.enqueue(job)
        }
    }
}
