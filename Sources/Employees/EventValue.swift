/// A plain value in an event payload. The domain stops here: the app turns these into JSON for the event store
/// (string → string, integer → number, object → object), so this module never depends on a wire format while every
/// event still has exactly one agreed shape.
public indirect enum EventValue: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case object([String: EventValue])
}

/// Payload shapes (schema version 1), keys in the original system's spelling; dates as ISO `yyyy-mm-dd` strings:
/// - `EmployeeCreated`: `emp_no` (integer), `first_name`, `last_name`, `birth_date`, `gender` (`M`/`F`),
///   `hire_date`, `email` (strings)
/// - `EmployeeUpdated`: for each changed field among `first_name`, `last_name`, `birth_date`, `gender`,
///   `hire_date`: an object `{previous, new}`
/// - `ScopeGranted`, `ScopeRevoked`: `scope` (string)
/// - `EmployeeDisabled`, `EmployeeEnabled`, `PasswordChanged`: empty
extension EmployeeEvent {
    public var payload: [String: EventValue] {
        switch self {
        case .created(let created):
            [
                EmployeeField.empNo.rawValue: .integer(created.empNo.value),
                EmployeeField.firstName.rawValue: .string(created.firstName.value),
                EmployeeField.lastName.rawValue: .string(created.lastName.value),
                EmployeeField.birthDate.rawValue: .string(created.birthDate.iso),
                EmployeeField.gender.rawValue: .string(created.gender.rawValue),
                EmployeeField.hireDate.rawValue: .string(created.hireDate.iso),
                EmployeeField.email.rawValue: .string(created.email.value),
            ]
        case .updated(let updated):
            [
                EmployeeField.firstName.rawValue: updated.firstName.map { Self.encode($0, \.value) },
                EmployeeField.lastName.rawValue: updated.lastName.map { Self.encode($0, \.value) },
                EmployeeField.birthDate.rawValue: updated.birthDate.map { Self.encode($0, \.iso) },
                EmployeeField.gender.rawValue: updated.gender.map { Self.encode($0, \.rawValue) },
                EmployeeField.hireDate.rawValue: updated.hireDate.map { Self.encode($0, \.iso) },
            ].compactMapValues { $0 }
        case .scopeGranted(let granted):
            ["scope": .string(granted.scope)]
        case .scopeRevoked(let revoked):
            ["scope": .string(revoked.scope)]
        case .disabled, .enabled, .passwordChanged:
            [:]
        }
    }

    /// Rebuilds an event from what the store holds. Values are checked against their types' own rules (a name's
    /// length, an address's syntax) but not against rules relative to a day (`DateRules`): an event is a fact of
    /// its time. Keys the schema does not know are ignored.
    public init(typeName: String, schemaVersion: Int, payload: [String: EventValue]) throws(EventDecodingError) {
        guard Self.typeNames.contains(typeName) else { throw .unknownType(typeName) }
        guard schemaVersion == Self.currentSchemaVersion else {
            throw .unsupportedSchemaVersion(type: typeName, version: schemaVersion)
        }
        let reader = PayloadReader(payload: payload)
        switch typeName {
        case "EmployeeCreated":
            self = .created(
                EmployeeCreated(
                    empNo: try reader.employeeNumber(),
                    firstName: try reader.value(.firstName, FirstName.init),
                    lastName: try reader.value(.lastName, LastName.init),
                    birthDate: try reader.value(.birthDate, CalendarDate.init(iso:)),
                    gender: try reader.value(.gender, Gender.init(parsing:)),
                    hireDate: try reader.value(.hireDate, CalendarDate.init(iso:)),
                    email: try reader.value(.email, EmailAddress.init)))
        case "EmployeeUpdated":
            let updated = EmployeeUpdated(
                firstName: try reader.change(.firstName, FirstName.init),
                lastName: try reader.change(.lastName, LastName.init),
                birthDate: try reader.change(.birthDate, CalendarDate.init(iso:)),
                gender: try reader.change(.gender, Gender.init(parsing:)),
                hireDate: try reader.change(.hireDate, CalendarDate.init(iso:)))
            guard !updated.changedFields.isEmpty else { throw .missingField("changes") }
            self = .updated(updated)
        case "ScopeGranted":
            self = .scopeGranted(ScopeGranted(scope: try reader.string("scope")))
        case "ScopeRevoked":
            self = .scopeRevoked(ScopeRevoked(scope: try reader.string("scope")))
        case "EmployeeDisabled":
            self = .disabled(EmployeeDisabled())
        case "EmployeeEnabled":
            self = .enabled(EmployeeEnabled())
        default:
            self = .passwordChanged(PasswordChanged())
        }
    }

    private static func encode<Value>(_ change: FieldChange<Value>, _ text: (Value) -> String) -> EventValue {
        .object(["previous": .string(text(change.previous)), "new": .string(text(change.new))])
    }
}

/// Reads typed values out of a payload, naming the key that fails.
private struct PayloadReader {
    let payload: [String: EventValue]

    func string(_ key: String) throws(EventDecodingError) -> String {
        try Self.string(payload[key], key: key)
    }

    func employeeNumber() throws(EventDecodingError) -> EmployeeNumber {
        let key = EmployeeField.empNo.rawValue
        guard let value = payload[key] else { throw .missingField(key) }
        guard case .integer(let integer) = value, let number = EmployeeNumber(integer) else {
            throw .invalidField(key)
        }
        return number
    }

    func value<Value, Failure: Error>(_ field: EmployeeField, _ parse: (String) throws(Failure) -> Value)
        throws(EventDecodingError) -> Value
    {
        let text = try string(field.rawValue)
        do {
            return try parse(text)
        } catch {
            throw .invalidField(field.rawValue)
        }
    }

    func change<Value, Failure: Error>(_ field: EmployeeField, _ parse: (String) throws(Failure) -> Value)
        throws(EventDecodingError) -> FieldChange<Value>?
    {
        let key = field.rawValue
        guard let value = payload[key] else { return nil }
        guard case .object(let change) = value else { throw .invalidField(key) }
        do {
            return FieldChange(
                previous: try parse(Self.string(change["previous"], key: key)),
                new: try parse(Self.string(change["new"], key: key)))
        } catch {
            throw .invalidField(key)
        }
    }

    private static func string(_ value: EventValue?, key: String) throws(EventDecodingError) -> String {
        guard let value else { throw .missingField(key) }
        guard case .string(let text) = value else { throw .invalidField(key) }
        return text
    }
}
