import Foundation
import Synchronization

/// One change to a principal, derived by the app from an event in the log.
public struct PrincipalUpdate: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        /// The principal's current scopes are now exactly these (creation, role or grant changes).
        case scopesSet(ScopeSet)
        /// The password changed: tokens issued before `occurredAt` stop working.
        case passwordChanged
        /// The account is disabled: no token works, and tokens issued before `occurredAt` never work again.
        case disabled
        /// The account is enabled again; tokens from before the disable stay invalid.
        case enabled
        /// The principal no longer exists; no token works ever again (removal is final, whatever arrives later).
        case removed
    }

    public let empNo: Int64
    public let change: Change
    /// When the change happened (the event's timestamp).
    public let occurredAt: Date
    /// The event's position in the log; orders updates and makes re-delivery harmless.
    public let position: Int64

    public init(empNo: Int64, change: Change, occurredAt: Date, position: Int64) {
        self.empNo = empNo
        self.change = change
        self.occurredAt = occurredAt
        self.position = position
    }
}
