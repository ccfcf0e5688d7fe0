import Employees
import Foundation

/// A stream folded into the domain's state.
public struct LoadedStream: Sendable {
    public let state: EmployeeState
    public let version: Int
    public let createdAt: Date?
    public let updatedAt: Date?
}
