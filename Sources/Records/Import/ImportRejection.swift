import Employees
import EventStore
import Foundation

/// A row that was not imported, and why. Never carries a cell's content (a password hash could be among them).
public struct ImportRejection: Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case invalid(EmployeeCSVError)
        case duplicateEmail
        case existingEmployee
        case refused(String)
    }

    public let line: Int
    public let reason: Reason

    public var description: String {
        switch reason {
        case .invalid(let error):
            if case .invalidRow(_, let errors) = error { return "line \(line): invalid row: \(errors)" }
            return "\(error)"
        case .duplicateEmail: return "line \(line): the email is already taken"
        case .existingEmployee: return "line \(line): the employee number already exists"
        case .refused(let why): return "line \(line): refused: \(why)"
        }
    }
}
