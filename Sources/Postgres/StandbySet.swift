import Synchronization

/// Hot standbys that take reads off the primary: a pool per standby, and a monitor that keeps in rotation only the
/// standbys that answer and are not too far behind.
///
/// Why the monitor works from positions, not from `now() - pg_last_xact_replay_timestamp()`: that figure grows on an
/// idle primary, where nothing is behind. Instead, the primary's WAL insert position is sampled every probe interval;
/// a standby's lag is how long ago the primary first held a position the standby has not replayed yet (zero when it
/// has replayed the latest sample), accurate to one probe interval.
///
/// Each standby is probed every `probeInterval` on a connection of its own. A standby is out of rotation when its last
/// probe failed, when its last answer is older than `unresponsiveAfter` (a probe that hangs), when a read on it failed
/// since its last answer (`reportFailure`), when it is not in recovery (it is a primary now), or when it lags more
/// than `maximumLag`; it is back as soon as a probe finds it well again. A read that needs a position (read-your-writes) waits for a standby in rotation to replay it,
/// at most the given bound; meanwhile each standby's replay position is polled every `replayPollInterval`.
public final class StandbySet: Sendable {
    public struct Options: Sendable {
        /// Further behind than this, a standby is out of rotation until it catches up.
        public var maximumLag: Duration
        /// How often each standby, and the primary's position, are sampled.
        public var probeInterval: Duration
        /// A standby that has not answered a probe for this long is out of rotation.
        public var unresponsiveAfter: Duration
        /// How often a standby's replay position is read while a read waits for it.
        public var replayPollInterval: Duration
        /// Connections per standby for reads.
        public var connectionsPerStandby: Int

        public init(
            maximumLag: Duration = .seconds(5), probeInterval: Duration = .milliseconds(100),
            unresponsiveAfter: Duration = .milliseconds(800), replayPollInterval: Duration = .milliseconds(2),
            connectionsPerStandby: Int = 16
        ) {
            self.maximumLag = maximumLag
            self.probeInterval = probeInterval
            self.unresponsiveAfter = unresponsiveAfter
            self.replayPollInterval = replayPollInterval
            self.connectionsPerStandby = connectionsPerStandby
        }
    }

    /// Whether a standby takes reads, and if not, why.
    public enum State: String, Sendable {
        /// Not probed yet.
        case starting
        case inRotation = "in_rotation"
        case lagging
        case unreachable
        /// It answers but is not in recovery: promoted, or not a standby at all.
        case notInRecovery = "not_in_recovery"
    }

    /// One standby as the monitor sees it now, for `/readyz` and `/metrics`.
    public struct Status: Sendable {
        /// The configuration's description: where, as whom, never the password.
        public let name: String
        public let state: State
        /// Seconds behind the primary, known once the standby has answered.
        public let lagSeconds: Double?
        public let replayed: WALPosition?
    }

    /// The read pools, one per standby, in the order given.
    public let pools: [PostgresPool]
    private let names: [String]
    private let probes: [PostgresPool]
    private let primaryPosition: WALInsertPosition
    private let options: Options
    private let shared: Mutex<Shared>
    private let loops = Mutex<[Task<Void, Never>]>([])

    private struct Member {
        var lastAnswer: ContinuousClock.Instant?
        var lastProbeFailed = false
        var replayed: WALPosition?
        var inRecovery = true
        var pageSize: UInt64 = 8192
        var failedAt: ContinuousClock.Instant?
        /// The probe loop, paused until its next probe; a read that starts waiting wakes it early.
        var sleeper: (id: Int, continuation: CheckedContinuation<Void, Never>)?
    }

    private struct Sample {
        let at: ContinuousClock.Instant
        let position: WALPosition
    }

    private struct Waiter {
        let id: Int
        let position: WALPosition
        let continuation: CheckedContinuation<Int?, Never>
        var timeout: Task<Void, Never>?
    }

    private struct Shared {
        var members: [Member]
        /// The primary's positions, oldest first, covering a little more than `maximumLag`.
        var samples: [Sample] = []
        var waiters: [Waiter] = []
        var nextID = 0
        var turn = 0
        var stopped = false
    }

    /// - Parameters:
    ///   - standbys: how to reach each standby, as the role the reads run under.
    ///   - primaryPosition: the primary's insert position, sampled to measure lag.
    public init(standbys: [PostgresConfiguration], primaryPosition: WALInsertPosition, options: Options = Options()) {
        precondition(!standbys.isEmpty, "a standby set needs a standby")
        self.options = options
        self.primaryPosition = primaryPosition
        names = standbys.map(\.description)
        pools = standbys.map {
            PostgresPool(
                configuration: $0, maximumConnections: options.connectionsPerStandby, acquireTimeout: .seconds(2),
                retryInterval: options.probeInterval)
        }
        probes = standbys.map {
            PostgresPool(
                configuration: $0, maximumConnections: 1, acquireTimeout: .seconds(2), retryInterval: options.probeInterval)
        }
        shared = Mutex(Shared(members: Array(repeating: Member(), count: standbys.count)))
    }

    /// Starts the probe loops and the primary's position samples.
    public func start() {
        var started: [Task<Void, Never>] = [Task { await self.samplePrimary() }]
        for index in pools.indices { started.append(Task { await self.probeLoop(index) }) }
        loops.withLock { $0 = started }
    }

    /// Stops probing, answers every waiting read with "no standby", and closes the pools.
    public func shutdown() async {
        let (waiters, sleepers) = shared.withLock { shared in
            shared.stopped = true
            defer {
                shared.waiters = []
                for index in shared.members.indices { shared.members[index].sleeper = nil }
            }
            return (shared.waiters, shared.members.compactMap(\.sleeper?.continuation))
        }
        for waiter in waiters {
            waiter.timeout?.cancel()
            waiter.continuation.resume(returning: nil)
        }
        for sleeper in sleepers { sleeper.resume() }
        let running = loops.withLock { $0 }
        for loop in running {
            loop.cancel()
            await loop.value
        }
        for pool in pools + probes { await pool.shutdown() }
    }

    // MARK: - Choosing

    private enum Choice {
        case primary
        case standby(Int)
        case wait(id: Int)
    }

    /// A standby in rotation that has replayed `position` (any in rotation when nil), taking turns among those that
    /// qualify; waits at most `bound` for one to get there. Nil means: read on the primary.
    public func standby(replayedAtLeast position: WALPosition?, waitingAtMost bound: Duration) async -> Int? {
        let now = ContinuousClock.now
        let choice: Choice = shared.withLock { shared in
            let healthy = shared.members.indices.filter {
                health(of: shared.members[$0], in: shared, at: now).state == .inRotation
            }
            guard !healthy.isEmpty else { return .primary }
            let ready = position.map { position in healthy.filter { has(shared.members[$0], replayed: position) } } ?? healthy
            if !ready.isEmpty {
                shared.turn &+= 1
                return .standby(ready[shared.turn % ready.count])
            }
            guard bound > .zero else { return .primary }
            shared.nextID += 1
            return .wait(id: shared.nextID)
        }
        switch choice {
        case .primary:
            return nil
        case .standby(let index):
            return index
        case .wait(let id):
            guard let position else { return nil }
            return await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    enqueue(Waiter(id: id, position: position, continuation: continuation), bound: bound)
                }
            } onCancel: {
                resolveWaiter(id, with: nil)
            }
        }
    }

    /// A read on standby `index` failed as a broken or refused connection would: out of rotation until a probe
    /// finds it answering again.
    public func reportFailure(_ index: Int) {
        shared.withLock { $0.members[index].failedAt = .now }
    }

    /// Runs a read on standby `index`, abandoning it as soon as the monitor finds the standby unreachable.
    ///
    /// Why: a standby that stops answering without closing its connections (a stopped process, a host that vanished
    /// from the network) would hold the read until the kernel gives up on the connection, minutes later. Its probe
    /// stops answering too, so within `unresponsiveAfter` the standby is unreachable; the read then fails here as a
    /// lost connection, which callers treat as the standby's fault and run again elsewhere. A slow read on a standby
    /// that still answers its probes runs to its end. The abandoned call keeps its pooled connection until the standby
    /// answers or the connection breaks, so at most `connectionsPerStandby` reads can be held that way.
    public func whileAnswering<Value: Sendable>(
        _ index: Int, _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let outcome = Mutex<CheckedContinuation<Value, any Error>?>(nil)
        let finish: @Sendable (Result<Value, any Error>) -> Void = { result in
            outcome.withLock { $0.take() }?.resume(with: result)
        }
        return try await withCheckedThrowingContinuation { continuation in
            outcome.withLock { $0 = continuation }
            let watch = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: options.probeInterval)
                    guard !Task.isCancelled, isUnreachable(index) else { continue }
                    finish(.failure(PostgresError(kind: .connectionLost, message: "the standby stopped answering")))
                    return
                }
            }
            Task {
                let result: Result<Value, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                watch.cancel()
                finish(result)
            }
        }
    }

    private func isUnreachable(_ index: Int) -> Bool {
        let now = ContinuousClock.now
        return shared.withLock { health(of: $0.members[index], in: $0, at: now).state == .unreachable }
    }

    /// Every standby's state and lag, now.
    public var statuses: [Status] {
        let now = ContinuousClock.now
        return shared.withLock { shared in
            shared.members.indices.map { index in
                let member = shared.members[index]
                let (state, lag) = health(of: member, in: shared, at: now)
                return Status(name: names[index], state: state, lagSeconds: lag.map(Self.seconds), replayed: member.replayed)
            }
        }
    }

    private func enqueue(_ waiter: Waiter, bound: Duration) {
        var waiter = waiter
        waiter.timeout = Task { [id = waiter.id] in
            try? await Task.sleep(for: bound)
            guard !Task.isCancelled else { return }
            self.resolveWaiter(id, with: nil)
        }
        let isCancelled = Task.isCancelled
        let (accepted, sleepers) = shared.withLock { shared -> (Bool, [CheckedContinuation<Void, Never>]) in
            guard !shared.stopped, !isCancelled else { return (false, []) }
            shared.waiters.append(waiter)
            var sleepers: [CheckedContinuation<Void, Never>] = []
            for index in shared.members.indices {
                if let sleeper = shared.members[index].sleeper {
                    sleepers.append(sleeper.continuation)
                    shared.members[index].sleeper = nil
                }
            }
            return (true, sleepers)
        }
        for sleeper in sleepers { sleeper.resume() }
        if !accepted {
            waiter.timeout?.cancel()
            waiter.continuation.resume(returning: nil)
        }
    }

    private func resolveWaiter(_ id: Int, with index: Int?) {
        let waiter: Waiter? = shared.withLock { shared in
            guard let position = shared.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return shared.waiters.remove(at: position)
        }
        guard let waiter else { return }
        waiter.timeout?.cancel()
        waiter.continuation.resume(returning: index)
    }

    // MARK: - Health

    private func has(_ member: Member, replayed position: WALPosition) -> Bool {
        guard let replayed = member.replayed else { return false }
        return position.isReached(byReplayOf: replayed, pageSize: member.pageSize)
    }

    private func health(of member: Member, in shared: Shared, at now: ContinuousClock.Instant) -> (state: State, lag: Duration?) {
        guard let lastAnswer = member.lastAnswer else { return (member.lastProbeFailed ? .unreachable : .starting, nil) }
        let lag = self.lag(of: member, samples: shared.samples, at: now)
        if member.lastProbeFailed || now - lastAnswer > options.unresponsiveAfter { return (.unreachable, lag) }
        if let failedAt = member.failedAt, failedAt > lastAnswer { return (.unreachable, lag) }
        if !member.inRecovery { return (.notInRecovery, nil) }
        if let lag, lag > options.maximumLag { return (.lagging, lag) }
        return (.inRotation, lag)
    }

    /// How long ago the primary first held a position this standby has not replayed; zero if it has replayed the
    /// latest sample. Samples grow in position, so the first one not reached starts the gap.
    private func lag(of member: Member, samples: [Sample], at now: ContinuousClock.Instant) -> Duration? {
        guard member.inRecovery, member.replayed != nil else { return nil }
        guard let firstAhead = samples.first(where: { !has(member, replayed: $0.position) }) else { return .zero }
        return max(.zero, now - firstAhead.at)
    }

    // MARK: - Loops

    private func samplePrimary() async {
        let keep = options.maximumLag + .seconds(2)
        while !Task.isCancelled {
            if let position = try? await primaryPosition.current() {
                let now = ContinuousClock.now
                shared.withLock { shared in
                    shared.samples.append(Sample(at: now, position: position))
                    while shared.samples.count > 1, now - shared.samples[0].at > keep { shared.samples.removeFirst() }
                }
            }
            try? await Task.sleep(for: options.probeInterval)
        }
    }

    private func probeLoop(_ index: Int) async {
        while !Task.isCancelled {
            await probe(index)
            if shared.withLock({ !$0.waiters.isEmpty }) {
                try? await Task.sleep(for: options.replayPollInterval)
            } else {
                await pause(index, for: options.probeInterval)
            }
        }
    }

    private struct ProbeResult: Sendable {
        let replayed: WALPosition?
        let inRecovery: Bool
        let pageSize: UInt64
    }

    private func probe(_ index: Int) async {
        let result: ProbeResult?
        do {
            result = try await probes[index].withConnection { connection in
                let row = try connection.query(
                    """
                    SELECT coalesce(pg_last_wal_replay_lsn()::text, ''), pg_is_in_recovery(),
                           current_setting('wal_block_size')::int
                    """
                ).first
                guard let row else { throw PostgresError(kind: .decoding, message: "the probe returned no row") }
                return ProbeResult(
                    replayed: WALPosition(lsn: try row.decode(String.self, column: 0)),
                    inRecovery: try row.decode(Bool.self, column: 1),
                    pageSize: UInt64(max(0, try row.decode(Int.self, column: 2))))
            }
        } catch {
            result = nil
        }
        let now = ContinuousClock.now
        let satisfied: [(Waiter, Int)] = shared.withLock { shared in
            guard let result else {
                shared.members[index].lastProbeFailed = true
                return []
            }
            shared.members[index].lastAnswer = now
            shared.members[index].lastProbeFailed = false
            shared.members[index].replayed = result.replayed
            shared.members[index].inRecovery = result.inRecovery
            shared.members[index].pageSize = result.pageSize
            let member = shared.members[index]
            guard health(of: member, in: shared, at: now).state == .inRotation else { return [] }
            var satisfied: [(Waiter, Int)] = []
            shared.waiters.removeAll { waiter in
                guard has(member, replayed: waiter.position) else { return false }
                satisfied.append((waiter, index))
                return true
            }
            return satisfied
        }
        for (waiter, index) in satisfied {
            waiter.timeout?.cancel()
            waiter.continuation.resume(returning: index)
        }
    }

    /// Sleeps until the next probe, or until a read starts waiting for a position.
    private func pause(_ index: Int, for duration: Duration) async {
        let id = shared.withLock { shared in
            shared.nextID += 1
            return shared.nextID
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let parked = shared.withLock { shared in
                guard !shared.stopped, shared.waiters.isEmpty else { return false }
                shared.members[index].sleeper = (id, continuation)
                return true
            }
            guard parked else { return continuation.resume() }
            Task {
                try? await Task.sleep(for: duration)
                self.wake(index, id: id)
            }
        }
    }

    private func wake(_ index: Int, id: Int) {
        let sleeper: CheckedContinuation<Void, Never>? = shared.withLock { shared in
            guard let sleeper = shared.members[index].sleeper, sleeper.id == id else { return nil }
            shared.members[index].sleeper = nil
            return sleeper.continuation
        }
        sleeper?.resume()
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
