import Dispatch
import Foundation
import Synchronization

/// A thread that owns one connection slot and runs the jobs given to it, one at a time, in order.
/// The connection lives in a local variable of the thread's loop, so no other thread can reach it.
final class ConnectionThread: Sendable {
    typealias Job = @Sendable (inout PostgresConnection?) -> Void

    private enum Item {
        case run(Job)
        case stop(@Sendable () -> Void)
    }

    private struct Queue {
        var items: [Item] = []
        var isStopping = false
    }

    private let queue = Mutex(Queue())
    private let wakeUp = DispatchSemaphore(value: 0)

    init() {
        let thread = Thread { [self] in
            // Named from inside: Linux applies thread names to the running thread only (15 characters at most).
            Thread.current.name = "pg-connection"
            var connection: PostgresConnection?
            while true {
                wakeUp.wait()
                let item = queue.withLock { $0.items.removeFirst() }
                switch item {
                case .run(let job):
                    job(&connection)
                case .stop(let done):
                    connection = nil
                    done()
                    return
                }
            }
        }
        thread.start()
    }

    /// Queues a job; false if the thread is stopping.
    func submit(_ job: @escaping Job) -> Bool {
        let accepted = queue.withLock { queue in
            guard !queue.isStopping else { return false }
            queue.items.append(.run(job))
            return true
        }
        if accepted { wakeUp.signal() }
        return accepted
    }

    /// Closes the connection after the queued jobs and ends the thread; `done` runs on the thread at the very end.
    /// Stopping twice only calls the second `done` right away.
    func stop(_ done: @escaping @Sendable () -> Void) {
        let queued = queue.withLock { queue in
            guard !queue.isStopping else { return false }
            queue.isStopping = true
            queue.items.append(.stop(done))
            return true
        }
        if queued { wakeUp.signal() } else { done() }
    }
}
