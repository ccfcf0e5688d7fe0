import Employees
import EventStore
import Foundation

/// What a successful command left behind.
public struct CommandOutcome: Sendable {
    public let empNo: EmployeeNumber
    public let events: [RecordedEvent]
    public let state: EmployeeState
    /// The stream's version after the command (its `ETag`).
    public let version: Int
    /// When the stream's first and latest events were recorded (nil for a stream that still has none).
    public let createdAt: Date?
    public let updatedAt: Date?
}
