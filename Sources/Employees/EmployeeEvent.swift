/// Facts about one employee, in the order they happened. Each carries a stable type name and schema version, the
/// keys under which the event store files it; payloads are plain values (`EventPayload.swift`).
public enum EmployeeEvent: Sendable, Hashable {
    case created(EmployeeCreated)
    case updated(EmployeeUpdated)
    case scopeGranted(ScopeGranted)
    case scopeRevoked(ScopeRevoked)
    case disabled(EmployeeDisabled)
    case enabled(EmployeeEnabled)
    case passwordChanged(PasswordChanged)

    /// The schema version every event of this module is written with today.
    public static let currentSchemaVersion = 1

    /// Every type name this module writes and reads.
    public static let typeNames = [
        "EmployeeCreated", "EmployeeUpdated", "ScopeGranted", "ScopeRevoked", "EmployeeDisabled", "EmployeeEnabled",
        "PasswordChanged",
    ]

    /// The type of personal-data changes, the bulk of the log: readers that care only about accounts skip it by name.
    public static let updatedTypeName = "EmployeeUpdated"

    public var typeName: String {
        switch self {
        case .created: "EmployeeCreated"
        case .updated: Self.updatedTypeName
        case .scopeGranted: "ScopeGranted"
        case .scopeRevoked: "ScopeRevoked"
        case .disabled: "EmployeeDisabled"
        case .enabled: "EmployeeEnabled"
        case .passwordChanged: "PasswordChanged"
        }
    }

    public var schemaVersion: Int { Self.currentSchemaVersion }
}
