import Dispatch
import Foundation
import Synchronization

/// A bounded set of connections, each living on its own thread.
///
/// Why threads: libpq calls block, and Swift's cooperative pool has about one thread per core (two here); a blocked
/// cooperative thread stalls every task of the process. So `withConnection` suspends the calling task and runs the
/// synchronous closure on the connection's dedicated thread, which is also the only thread that ever touches that
/// `PGconn` (libpq's rule: one thread at a time per connection).
///
/// Waiters are served first come, first served, and give up with `.poolTimeout` after `acquireTimeout`.
/// A connection found broken is closed and replaced lazily by the next caller. When opening a connection fails, the
/// pool fails fast (`.serverUnavailable`) without trying again until `retryInterval` has passed, and then lets one
/// caller probe; so while the server is down callers get a typed error at once, and once it is back the pool heals by
/// itself.
public final class PostgresPool: Sendable {
    /// A snapshot for metrics.
    public struct Statistics: Sendable, Equatable {
        /// The most connections the pool opens.
        public let maximumConnections: Int
        /// Connections currently open.
        public let openConnections: Int
        /// Connections lent to a caller right now.
        public let inUse: Int
        /// Callers waiting for a connection.
        public let waiters: Int
    }

    private let configuration: PostgresConfiguration
    private let maximumConnections: Int
    private let acquireTimeout: Duration
    private let retryInterval: Duration
    private let noticeHandler: PostgresConnection.NoticeHandler?
    private let state = Mutex(State())

    private struct State {
        var idleWorkers: [ConnectionThread] = []
        var allWorkers: [ConnectionThread] = []
        var inUse = 0
        var openConnections = 0
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var connectivity = Connectivity.healthy
        var isShutDown = false
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<ConnectionThread, any Error>
        var timeout: Task<Void, Never>?
    }

    private enum Connectivity {
        case healthy
        /// The last attempt to connect failed; no new attempt before `retryAt`, and one at a time.
        case failing(retryAt: ContinuousClock.Instant, probing: Bool)
    }

    public init(
        configuration: PostgresConfiguration, maximumConnections: Int = 10, acquireTimeout: Duration = .seconds(10),
        retryInterval: Duration = .milliseconds(500), noticeHandler: PostgresConnection.NoticeHandler? = nil
    ) {
        precondition(maximumConnections > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.maximumConnections = maximumConnections
        self.acquireTimeout = acquireTimeout
        self.retryInterval = retryInterval
        self.noticeHandler = noticeHandler
    }

    /// Runs `body` with a connection on that connection's own thread and returns its result.
    /// Leaving a transaction open is not possible: one left open by `body` is rolled back.
    @discardableResult
    public func withConnection<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> Value
    ) async throws -> Value {
        let worker = try await acquire()
        defer { release(worker) }
        return try await withCheckedThrowingContinuation { continuation in
            let accepted = worker.submit { slot in
                continuation.resume(with: Result { try self.run(body, slot: &slot) })
            }
            if !accepted { continuation.resume(throwing: PostgresError(kind: .closed)) }
        }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    @discardableResult
    public func withTransaction<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> Value
    ) async throws -> Value {
        try await withConnection { connection in
            try connection.withTransaction { try body(connection) }
        }
    }

    public var statistics: Statistics {
        state.withLock {
            Statistics(
                maximumConnections: maximumConnections, openConnections: $0.openConnections, inUse: $0.inUse,
                waiters: $0.waiters.count)
        }
    }

    /// Refuses new work, fails the waiters, and closes every connection once its current call has finished.
    /// Returns when all connections are closed.
    public func shutdown() async {
        let (workers, waiters) = state.withLock { state in
            state.isShutDown = true
            defer { state.waiters.removeAll() }
            return (state.allWorkers, state.waiters)
        }
        for waiter in waiters {
            waiter.timeout?.cancel()
            waiter.continuation.resume(throwing: PostgresError(kind: .closed))
        }
        for worker in workers {
            await withCheckedContinuation { continuation in worker.stop { continuation.resume() } }
        }
    }

    // MARK: - Lending connections

    private enum Acquisition {
        case ready(ConnectionThread)
        case wait(id: Int)
        case closed
    }

    private func acquire() async throws -> ConnectionThread {
        let acquisition: Acquisition = state.withLock { state in
            if state.isShutDown { return .closed }
            if state.waiters.isEmpty, let worker = state.idleWorkers.popLast() {
                state.inUse += 1
                return .ready(worker)
            }
            if state.allWorkers.count < maximumConnections {
                let worker = ConnectionThread()
                state.allWorkers.append(worker)
                state.inUse += 1
                return .ready(worker)
            }
            state.nextWaiterID += 1
            return .wait(id: state.nextWaiterID)
        }
        switch acquisition {
        case .ready(let worker):
            return worker
        case .closed:
            throw PostgresError(kind: .closed)
        case .wait(let id):
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    enqueueWaiter(id: id, continuation: continuation)
                }
            } onCancel: {
                failWaiter(id: id, with: CancellationError())
            }
        }
    }

    private enum Enqueueing {
        case served(ConnectionThread)
        case queued
        case refused(any Error)
    }

    private func enqueueWaiter(id: Int, continuation: CheckedContinuation<ConnectionThread, any Error>) {
        let timeout = Task { [acquireTimeout] in
            try? await Task.sleep(for: acquireTimeout)
            guard !Task.isCancelled else { return }
            self.failWaiter(id: id, with: PostgresError(kind: .poolTimeout))
        }
        let isCancelled = Task.isCancelled
        let outcome: Enqueueing = state.withLock { state in
            if state.isShutDown { return .refused(PostgresError(kind: .closed)) }
            if isCancelled { return .refused(CancellationError()) }
            if state.waiters.isEmpty, let worker = state.idleWorkers.popLast() {
                state.inUse += 1
                return .served(worker)
            }
            state.waiters.append(Waiter(id: id, continuation: continuation, timeout: timeout))
            return .queued
        }
        switch outcome {
        case .queued:
            break
        case .served(let worker):
            timeout.cancel()
            continuation.resume(returning: worker)
        case .refused(let error):
            timeout.cancel()
            continuation.resume(throwing: error)
        }
    }

    /// Removes a waiter (timed out or cancelled) and fails it; does nothing if it was already served.
    private func failWaiter(id: Int, with error: any Error) {
        let waiter: Waiter? = state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        guard let waiter else { return }
        waiter.timeout?.cancel()
        waiter.continuation.resume(throwing: error)
    }

    private func release(_ worker: ConnectionThread) {
        let next: Waiter? = state.withLock { state in
            if state.isShutDown {
                state.inUse -= 1
                return nil
            }
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.inUse -= 1
            state.idleWorkers.append(worker)
            return nil
        }
        if let next {
            next.timeout?.cancel()
            next.continuation.resume(returning: worker)
        } else if state.withLock({ $0.isShutDown }) {
            worker.stop {}
        }
    }

    // MARK: - On the connection's thread

    private func run<Value>(
        _ body: (PostgresConnection) throws -> Value, slot: inout PostgresConnection?
    ) throws -> Value {
        let connection = try openConnection(&slot)
        var failedWithBrokenConnection = false
        defer {
            if connection.isOpen, connection.isInTransaction { _ = try? connection.executeSimple("ROLLBACK") }
            if failedWithBrokenConnection || !connection.isOpen {
                slot = nil
                state.withLock { $0.openConnections -= 1 }
            }
        }
        do {
            return try body(connection)
        } catch {
            failedWithBrokenConnection = (error as? PostgresError)?.isConnectionBroken ?? false
            throw error
        }
    }

    /// The thread's open connection, checked for a server-side close; else a new one, unless the circuit is open.
    private func openConnection(_ slot: inout PostgresConnection?) throws(PostgresError) -> PostgresConnection {
        if let connection = slot {
            if connection.refreshIdleState() { return connection }
            slot = nil
            state.withLock { $0.openConnections -= 1 }
        }
        let now = ContinuousClock.now
        let mayTry: Bool = state.withLock { state in
            switch state.connectivity {
            case .healthy:
                return true
            case .failing(let retryAt, let probing):
                guard now >= retryAt, !probing else { return false }
                state.connectivity = .failing(retryAt: retryAt, probing: true)
                return true
            }
        }
        guard mayTry else {
            throw PostgresError(kind: .serverUnavailable, message: "the last attempt to connect failed")
        }
        do {
            let connection = try PostgresConnection.connect(to: configuration, noticeHandler: noticeHandler)
            state.withLock {
                $0.connectivity = .healthy
                $0.openConnections += 1
            }
            slot = connection
            return connection
        } catch {
            state.withLock { $0.connectivity = .failing(retryAt: .now + retryInterval, probing: false) }
            throw error
        }
    }
}
