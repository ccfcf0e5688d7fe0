import Foundation
import Postgres

/// What an auditor learns from recomputing the chain.
public struct ChainReport: Sendable, Hashable {
    /// A place where the log stops being what its hashes promise.
    public struct BrokenLink: Sendable, Hashable, CustomStringConvertible {
        public enum Reason: Sendable, Hashable {
            /// Position `expected` is missing: the next event found has a later position.
            case gap(expected: Int64)
            /// The event's `previous_hash` is not the hash of the event before it.
            case previousHashMismatch
            /// The event's content no longer hashes to its stored hash: it was altered.
            case hashMismatch
            /// The head row does not point at the last event.
            case headMismatch
        }

        public let position: Int64
        public let reason: Reason

        public var description: String {
            switch reason {
            case .gap(let expected): "position \(expected) is missing (next found: \(position))"
            case .previousHashMismatch: "event \(position): previous_hash does not match the event before it"
            case .hashMismatch: "event \(position): content does not match its hash (altered)"
            case .headMismatch: "the head row does not match the last event (position \(position))"
            }
        }
    }

    public let eventsChecked: Int64
    /// The last link recomputed from the events themselves.
    public let head: ChainHead
    public let firstBrokenLink: BrokenLink?

    public var isIntact: Bool { firstBrokenLink == nil }
}
