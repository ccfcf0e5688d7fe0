/// Why stored event data could not be turned back into an `EmployeeEvent`.
public enum EventDecodingError: Error, Sendable, Hashable {
    case unknownType(String)
    case unsupportedSchemaVersion(type: String, version: Int)
    /// A payload key is missing (or, for an update, names no changed field).
    case missingField(String)
    /// A payload key holds a value of the wrong kind or one that breaks its type's rules.
    case invalidField(String)
}
