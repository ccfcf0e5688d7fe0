import Dispatch
import Employees
import EventStore
import Foundation
import Postgres
import Records
import Security

/// Why `create-admin` did not create an account. Never carries the password.
public enum AdminAccountError: Error, Sendable, CustomStringConvertible {
    case invalid(ValidationErrors)
    case weakPassword(PasswordPolicyViolation)
    case emailTaken
    case hashingFailed
    case command(CommandError)

    public var description: String {
        switch self {
        case .invalid(let errors): "invalid employee fields: \(errors)"
        case .weakPassword(let violation): "the password is refused by the password policy: \(violation)"
        case .emailTaken: "an employee with this email already exists"
        case .hashingFailed: "the password could not be hashed"
        case .command(let error): "the employee could not be created: \(error)"
        }
    }

    /// True when the operator typed something wrong (exit status 2), false when the work itself failed.
    public var isUsageMistake: Bool {
        switch self {
        case .invalid, .weakPassword: true
        case .emailTaken, .hashingFailed, .command: false
        }
    }
}
