import Synchronization

/// How reads were routed since start, for `/metrics`.
public final class ReadRoutingCounters: Sendable {
    public enum Outcome: String, CaseIterable, Sendable {
        /// Served by a standby.
        case standby
        /// Served by the primary: no standby in rotation, or none had replayed the token's position in time.
        case primary
        /// A standby failed the read; the primary served it.
        case fallback
    }

    private let counts = Mutex([Outcome: Int]())

    public func count(_ outcome: Outcome) {
        counts.withLock { $0[outcome, default: 0] += 1 }
    }

    public var snapshot: [Outcome: Int] { counts.withLock { $0 } }
}
