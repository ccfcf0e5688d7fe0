import Employees
import Foundation

/// An employee as the API shows it: never a password hash.
public struct EmployeeRecord: Sendable, Equatable {
    public let empNo: Int
    public let firstName: String
    public let lastName: String
    public let birthDate: String
    public let gender: String
    public let hireDate: String
    public let email: String
    public let disabled: Bool
    /// The stream version: the record's `ETag`.
    public let version: Int
    public let createdAt: Date
    public let updatedAt: Date
}

extension EmployeeRecord {
    /// The record a command's outcome implies: what the projection holds once the command has committed, so the
    /// command's response needs no second query. Nil when the stream holds no employee.
    public init?(_ outcome: CommandOutcome) {
        guard let employee = outcome.state.employee, let createdAt = outcome.createdAt, let updatedAt = outcome.updatedAt
        else { return nil }
        self.init(employee, version: outcome.version, createdAt: createdAt, updatedAt: updatedAt)
    }

    public init(_ employee: Employee, version: Int, createdAt: Date, updatedAt: Date) {
        self.init(
            empNo: employee.empNo.value, firstName: employee.firstName.value, lastName: employee.lastName.value,
            birthDate: employee.birthDate.iso, gender: employee.gender.rawValue, hireDate: employee.hireDate.iso,
            email: employee.email.value, disabled: employee.isDisabled, version: version, createdAt: createdAt,
            updatedAt: updatedAt)
    }
}
