import Synchronization

/// How reads were routed since start, for `/metrics`.
final class ReadRoutingCounters: Sendable {
    enum Outcome: String, CaseIterable, Sendable {
        /// Served by a standby.
        case standby
        /// Served by the primary: no standby in rotation, or none had replayed the token's position in time.
        case primary
        /// A standby failed the read; the primary served it.
        case fallback
    }

    private let counts = Mutex([Outcome: Int]())

    func count(_ outcome: Outcome) {
        counts.withLock { $0[outcome, default: 0] += 1 }
    }

    var snapshot: [Outcome: Int] { counts.withLock { $0 } }
}
