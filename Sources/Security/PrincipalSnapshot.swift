import Foundation
import Synchronization

/// What the table knows about one principal.
public struct PrincipalSnapshot: Sendable, Equatable {
    public let scopes: ScopeSet
    public let isDisabled: Bool
    public let isRemoved: Bool
    /// Tokens whose `iat` is earlier than this are refused (nil: no password change or disable seen).
    public let tokensNotBefore: Date?
    /// The highest log position applied to this principal.
    public let lastAppliedPosition: Int64
}
