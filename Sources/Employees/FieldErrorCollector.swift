/// Gathers field errors while a command is validated, so that all of them are reported at once.
struct FieldErrorCollector {
    private(set) var errors: [FieldError] = []

    func hasError(for field: EmployeeField) -> Bool { errors.contains { $0.field == field } }

    mutating func record(_ error: FieldError) { errors.append(error) }

    /// Runs one validation and returns its value, or records its error and returns nil.
    mutating func collect<Value>(_ validate: () throws(FieldError) -> Value) -> Value? {
        do {
            return try validate()
        } catch {
            errors.append(error)
            return nil
        }
    }

    func throwIfAny() throws(ValidationErrors) {
        if !errors.isEmpty { throw ValidationErrors(errors) }
    }
}
