import EventStore

/// Why the employees projection refused one request, typed: the event store carries a refusal as a
/// `ProjectionRejection` with a stable reason code, and this is the only place that spells those codes.
public enum EmployeeRejection: String, Error, Sendable {
    /// The email is already another employee's (the unique index on `lower(email)`).
    case emailTaken = "duplicate_email"
    /// The stream is not an employee stream (`employee-<emp_no>`).
    case notAnEmployeeStream = "not_an_employee_stream"

    /// The refusal of `rejection`, when it is one of ours.
    public init?(_ rejection: ProjectionRejection) {
        self.init(rawValue: rejection.reason)
    }

    /// The form the event store carries.
    public var projectionRejection: ProjectionRejection {
        switch self {
        case .emailTaken: ProjectionRejection(reason: rawValue, field: "email")
        case .notAnEmployeeStream: ProjectionRejection(reason: rawValue)
        }
    }
}
