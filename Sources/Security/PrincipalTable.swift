import Foundation
import Synchronization

/// The live authorization state of every principal, kept in memory and fed from the event log, so that a token
/// is checked against current scopes and revocations without a database round trip.
///
/// Order-independent by construction: scopes and the disabled flag are last-writer-wins by log position, and the
/// tokens-not-before time only ever moves forward, so the app may apply its own committed change at once and the
/// log follower may deliver the same or older updates later without undoing anything.
///
/// Timestamps have whole-second resolution, like JWT `iat`: a change at 12:00:00.3 refuses tokens issued at
/// 12:00:00 or earlier. `AccessTokenIssuer` given this table stamps new tokens no earlier than that boundary, so a
/// token issued right after a password change is not born revoked. Each further change within the same second moves
/// the boundary one second more, so a token issued between two changes of one second is refused by the second one;
/// the boundary depends only on which changes were seen (counted by log position), not on their order.
public final class PrincipalTable: Sendable {
    private struct Entry {
        var scopes = ScopeSet.empty
        var scopesPosition: Int64 = .min
        var isDisabled = false
        var statusPosition: Int64 = .min
        var isRemoved = false
        /// The latest whole-second boundary a password change or disable set, and the log positions of the changes
        /// that set exactly it.
        var boundarySecond: Int64 = .min
        var boundaryChanges: Set<Int64> = []
        var lastAppliedPosition: Int64 = .min

        /// Tokens with an earlier `iat` are refused.
        var notBeforeSecond: Int64 {
            boundarySecond == .min ? .min : boundarySecond + Int64(boundaryChanges.count) - 1
        }

        mutating func raiseBoundary(to second: Int64, by position: Int64) {
            if second > boundarySecond {
                boundarySecond = second
                boundaryChanges = [position]
            } else if second == boundarySecond {
                boundaryChanges.insert(position)
            }
        }
    }

    private let entries = Mutex<[Int64: Entry]>([:])

    public init() {}

    /// Applies one update. Updates older than what a field already reflects leave that field alone.
    public func apply(_ update: PrincipalUpdate) {
        let boundary = Self.second(of: update.occurredAt) + 1
        entries.withLock { entries in
            var entry = entries[update.empNo] ?? Entry()
            let position = update.position
            switch update.change {
            case .scopesSet(let scopes):
                if position > entry.scopesPosition {
                    entry.scopes = scopes
                    entry.scopesPosition = position
                }
            case .passwordChanged:
                entry.raiseBoundary(to: boundary, by: position)
            case .disabled:
                entry.raiseBoundary(to: boundary, by: position)
                if position > entry.statusPosition {
                    entry.isDisabled = true
                    entry.statusPosition = position
                }
            case .enabled:
                if position > entry.statusPosition {
                    entry.isDisabled = false
                    entry.statusPosition = position
                }
            case .removed:
                entry.isRemoved = true
                entry.statusPosition = max(entry.statusPosition, position)
            }
            entry.lastAppliedPosition = max(entry.lastAppliedPosition, position)
            entries[update.empNo] = entry
        }
    }

    /// What a token may still do: its scopes' closure intersected with the principal's current scopes' closure,
    /// or nil when the token must be refused (unknown, removed or disabled principal, or issued before the last
    /// password change or disable).
    public func effectiveScopes(empNo: Int64, tokenScopes: ScopeSet, issuedAt: Date) -> ScopeSet? {
        let issuedSecond = Self.second(of: issuedAt)
        let current: ScopeSet? = entries.withLock { entries in
            guard let entry = entries[empNo], !entry.isRemoved, !entry.isDisabled,
                issuedSecond >= entry.notBeforeSecond
            else { return nil }
            return entry.scopes
        }
        guard let current else { return nil }
        return tokenScopes.closure.intersection(current.closure)
    }

    /// The earliest `iat` a new token for `empNo` may carry to be accepted, or nil if there is no such bound.
    public func tokensNotBefore(empNo: Int64) -> Date? {
        let second = entries.withLock { $0[empNo]?.notBeforeSecond }
        guard let second, second != .min else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(second))
    }

    /// A copy of what the table holds for `empNo`.
    public func snapshot(empNo: Int64) -> PrincipalSnapshot? {
        guard let entry = entries.withLock({ $0[empNo] }) else { return nil }
        return PrincipalSnapshot(
            scopes: entry.scopes, isDisabled: entry.isDisabled, isRemoved: entry.isRemoved,
            tokensNotBefore: entry.notBeforeSecond == .min
                ? nil : Date(timeIntervalSince1970: TimeInterval(entry.notBeforeSecond)),
            lastAppliedPosition: entry.lastAppliedPosition)
    }

    private static func second(of date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite else { return seconds > 0 ? .max : .min }
        return Int64(exactly: seconds) ?? (seconds > 0 ? .max : .min)
    }
}
