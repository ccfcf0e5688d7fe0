/// Why `decide` refused a command. Uniqueness of email addresses is not among them: the domain sees one stream at a
/// time, so the store enforces it atomically when it appends (and the app maps that conflict to its own error).
public enum EmployeeError: Error, Sendable, Hashable {
    /// One or more fields break a rule; every broken field is listed.
    case invalid(ValidationErrors)
    /// `create` on a stream that already holds an employee.
    case alreadyExists
    /// Any other command on a stream with no employee.
    case notFound
}
