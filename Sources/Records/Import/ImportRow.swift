import Employees
import EventStore
import Foundation

/// One row to import, or why it cannot be: with its line in the source (the header is line 1).
public struct ImportRow: Sendable {
    public let line: Int
    public let employee: Result<ImportedEmployee, EmployeeCSVError>
}
