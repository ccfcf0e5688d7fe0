/// Every field error of one command, at most one per field, in canonical field order.
public struct ValidationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public let errors: [FieldError]

    /// Keeps the first error given for each field and sorts by field. Never empty when thrown by this module.
    public init(_ errors: [FieldError]) {
        var seen = Set<EmployeeField>()
        self.errors = errors.filter { seen.insert($0.field).inserted }.sorted { $0.field < $1.field }
    }

    public var fields: [EmployeeField] { errors.map(\.field) }

    public subscript(field: EmployeeField) -> FieldError.Reason? {
        errors.first { $0.field == field }?.reason
    }

    public var description: String { errors.map(\.description).joined(separator: "; ") }
}
