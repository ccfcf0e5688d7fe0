/// A named bundle of scopes, so people are given a role instead of a hand-picked scope list.
///
/// | role       | scopes granted                | what that means (with implication)                              |
/// |------------|-------------------------------|-----------------------------------------------------------------|
/// | `employee` | `user:read`                   | read records (the app limits this to the caller's own record)   |
/// | `manager`  | `user:write`                  | read and change employee records                                |
/// | `admin`    | `admin:write`, `scope:grant`  | everything on records and administration, and grant scopes      |
/// | `auditor`  | `admin:read`, `audit:read`    | read everything, including the audit log; change nothing        |
///
/// `super:*` belongs to no role: it is granted explicitly (bootstrap account), never by a role change.
public enum Role: String, CaseIterable, Sendable {
    case employee
    case manager
    case admin
    case auditor

    private static let bundles: [Role: ScopeSet] = [
        .employee: [.userRead],
        .manager: [.userWrite],
        .admin: [.adminWrite, .scopeGrant],
        .auditor: [.adminRead, .auditRead],
    ]

    /// The scopes this role grants, as listed in the table (not closed under implication).
    public var scopes: ScopeSet { Role.bundles[self] ?? .empty }

    /// The union of the scopes granted by `roles`.
    public static func scopes(for roles: some Sequence<Role>) -> ScopeSet {
        roles.reduce(ScopeSet.empty) { $0.union($1.scopes) }
    }
}
