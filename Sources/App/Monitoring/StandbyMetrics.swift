import Operations
import Postgres
import Records

/// What `/metrics` and `/readyz` say about the standbys: each one's state and lag (named by its place in the
/// configuration, `1`, `2`…, never by host or user), and where reads went. Nothing is written without standbys.
enum StandbyMetrics {
    /// One standby in `/readyz`.
    struct View: Encodable, Sendable {
        let standby: Int
        let state: String
        let lagSeconds: Double?
        let replayPosition: String?

        enum CodingKeys: String, CodingKey {
            case standby, state, lagSeconds = "lag_seconds", replayPosition = "replay_position"
        }
    }

    static func views(_ reads: ReadRouting) -> [View]? {
        reads.standbys.map { set in
            set.statuses.enumerated().map { index, status in
                View(
                    standby: index + 1, state: status.state.rawValue, lagSeconds: status.lagSeconds,
                    replayPosition: status.replayed?.description)
            }
        }
    }

    static func write(_ reads: ReadRouting, to output: inout PrometheusText) {
        guard let set = reads.standbys else { return }
        let statuses = set.statuses
        output.family("employees_standby_lag_seconds", type: "gauge", help: "How far each standby is behind the primary")
        for (index, status) in statuses.enumerated() {
            if let lag = status.lagSeconds {
                output.sample("employees_standby_lag_seconds", labels: [("standby", String(index + 1))], lag)
            }
        }
        output.family("employees_standby_state", type: "gauge", help: "Each standby's state (1 for the current one)")
        for (index, status) in statuses.enumerated() {
            for state in [StandbySet.State.starting, .inRotation, .lagging, .unreachable, .notInRecovery] {
                output.sample(
                    "employees_standby_state", labels: [("standby", String(index + 1)), ("state", state.rawValue)],
                    status.state == state ? 1 : 0)
            }
        }
        let counts = reads.counters.snapshot
        output.family("employees_routed_reads_total", type: "counter", help: "Reads that may lag, by where they ran")
        for outcome in ReadRoutingCounters.Outcome.allCases {
            output.sample("employees_routed_reads_total", labels: [("served_by", outcome.rawValue)], counts[outcome] ?? 0)
        }
    }
}
