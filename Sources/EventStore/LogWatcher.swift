import Foundation
import Postgres
import Synchronization

/// Tells followers that the log has grown, from one LISTEN connection shared by all of them.
///
/// The appender sends `NOTIFY events, '<head position>'` in each committing transaction; PostgreSQL delivers it
/// only after the commit. A lost listener connection loses notifications, so a reconnect wakes every waiter to
/// catch up by position; and waiters never sleep longer than the poll interval, the backstop for anything missed.
public final class LogWatcher: Sendable {
    private struct State {
        var newestPosition: Int64 = 0
        var generation = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiterID = 0
    }

    /// The waiters and the newest announced position, shared with the task that reads the listener.
    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let listener: PostgresListener
    private let shared: Shared
    private let pump: Task<Void, Never>

    public init(configuration: PostgresConfiguration) {
        let listener = PostgresListener(configuration: configuration, channels: ["events"])
        let shared = Shared()
        self.listener = listener
        self.shared = shared
        pump = Task {
            for await event in listener.events {
                let waiters = shared.state.withLock { state in
                    if case .notification(let notification) = event, let position = Int64(notification.payload) {
                        state.newestPosition = max(state.newestPosition, position)
                    }
                    state.generation += 1
                    defer { state.waiters.removeAll() }
                    return Array(state.waiters.values)
                }
                for waiter in waiters { waiter.resume() }
            }
        }
    }

    /// Suspends until a notification announces a position after `position`, the listener reconnects, `timeout`
    /// passes, or the task is cancelled; whichever comes first.
    public func waitForEvents(after position: Int64, timeout: Duration) async {
        let id = shared.state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await withCheckedContinuation { continuation in
                        let resumeNow = self.shared.state.withLock { state in
                            if state.newestPosition > position || Task.isCancelled { return true }
                            state.waiters[id] = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                }
                group.addTask { try? await Task.sleep(for: timeout) }
                await group.next()
                group.cancelAll()
                self.wake(id)
            }
        } onCancel: {
            self.wake(id)
        }
    }

    private func wake(_ id: Int) {
        let waiter = shared.state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume()
    }

    /// Closes the LISTEN connection and releases every waiter.
    public func stop() {
        listener.stop()
        pump.cancel()
        let waiters = shared.state.withLock { state in
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }
}
