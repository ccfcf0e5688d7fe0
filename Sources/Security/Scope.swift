/// One OAuth2 scope this service understands. Unknown scope strings are not representable, so a typo in a route's
/// requirement fails to compile instead of silently granting or refusing.
public enum Scope: String, CaseIterable, Sendable {
    case userRead = "user:read"
    case userWrite = "user:write"
    case adminRead = "admin:read"
    case adminWrite = "admin:write"
    case auditRead = "audit:read"
    case scopeGrant = "scope:grant"
    case superAll = "super:*"

    /// What holding this scope directly grants besides itself. The full meaning is the closure of this table,
    /// computed once by `ScopeSet`, so the table may stay minimal and its order does not matter.
    var directlyImplies: [Scope] {
        switch self {
        case .userRead, .auditRead, .scopeGrant: []
        case .userWrite: [.userRead]
        case .adminRead: [.userRead]
        case .adminWrite: [.userWrite, .adminRead]
        case .superAll: Scope.allCases
        }
    }

    var bit: UInt8 {
        switch self {
        case .userRead: 1 << 0
        case .userWrite: 1 << 1
        case .adminRead: 1 << 2
        case .adminWrite: 1 << 3
        case .auditRead: 1 << 4
        case .scopeGrant: 1 << 5
        case .superAll: 1 << 6
        }
    }
}
