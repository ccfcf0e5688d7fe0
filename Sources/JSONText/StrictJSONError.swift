/// Why JSON text was refused. Deliberately coarse: the caller only needs to know it was not acceptable.
public enum StrictJSONError: Error, Sendable, Equatable {
    case syntax
    case duplicateKey
    case tooDeep
}
