import Postgres

/// Signs checkpoints while events arrive: one at every multiple of `everyEvents`, and one at the head once its oldest
/// unsigned event has waited `everySeconds`. Nothing is signed while the log is idle. After a pause (the service
/// was stopped while `employees import` ran) it catches up, a bounded batch per tick.
public struct LogCheckpointer: Sendable {
    public struct Schedule: Sendable, Equatable {
        public var everyEvents: Int64
        public var everySeconds: Int64

        public init(everyEvents: Int64 = 1_000, everySeconds: Int64 = 60) {
            self.everyEvents = max(1, everyEvents)
            self.everySeconds = max(1, everySeconds)
        }
    }

    /// The most checkpoints one tick signs, so catching up on a long unsigned log never holds a connection for long.
    static let maximumPerTick = 500

    private let pool: PostgresPool
    private let signer: LogSigner
    private let schedule: Schedule

    public init(pool: PostgresPool, signer: LogSigner, schedule: Schedule) {
        self.pool = pool
        self.signer = signer
        self.schedule = schedule
    }

    /// Ticks once a second until cancelled. A failed tick (database down, key retired by another instance) is retried
    /// at the next one; `report` hears when signing stops and when it resumes.
    public func run(report: @escaping @Sendable (String) -> Void) async {
        var failing = false
        while !Task.isCancelled {
            do {
                try await tick()
                if failing { report("log checkpoints: signing again") }
                failing = false
            } catch {
                if !failing {
                    let reason = (error as? LogSigningKeyError)?.description ?? String(describing: type(of: error))
                    report("log checkpoints: cannot sign now (\(reason)); retrying")
                }
                failing = true
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Signs whatever is due now; returns the positions it decided to sign.
    @discardableResult
    public func tick(now: Int64 = UnixMicroseconds.now()) async throws -> [Int64] {
        let state = try await pool.withConnection { connection in
            let row = try connection.query(
                """
                SELECT h.position, c.last,
                       (SELECT (extract(epoch FROM recorded_at) * 1000000)::bigint FROM events WHERE position = c.last + 1)
                FROM event_log_head h, (SELECT coalesce(max(position), 0) AS last FROM log_checkpoints) c
                """)[0]
            return (
                head: try row.decode(Int64.self, column: 0), last: try row.decode(Int64.self, column: 1),
                oldestUnsigned: try row.decode(Int64?.self, column: 2)
            )
        }
        guard state.head > state.last else { return [] }
        let every = schedule.everyEvents
        var positions: [Int64] = []
        var next = (state.last / every + 1) * every
        while next <= state.head, positions.count < Self.maximumPerTick {
            positions.append(next)
            next += every
        }
        let waited = state.oldestUnsigned.map { now - $0 >= schedule.everySeconds * 1_000_000 } ?? false
        if positions.count < Self.maximumPerTick, waited, positions.last != state.head {
            positions.append(state.head)
        }
        try await LogCheckpointStore(pool: pool).sign(positions: positions, with: signer)
        return positions
    }
}
