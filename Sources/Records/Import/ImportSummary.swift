import Employees
import EventStore
import Foundation

/// What an import did.
public struct ImportSummary: Sendable {
    public var importedEmployees = 0
    public var events = 0
    public var seconds = 0.0
    public var rejections: [ImportRejection] = []

    public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }

    public func count(_ matches: (ImportRejection.Reason) -> Bool) -> Int { rejections.filter { matches($0.reason) }.count }

    /// One line for the operator, then the first few rejected rows.
    public func render(listing limit: Int = 10) -> String {
        let invalid = count { if case .invalid = $0 { true } else { false } }
        let duplicates = count { $0 == .duplicateEmail }
        let existing = count { $0 == .existingEmployee }
        let other = rejections.count - invalid - duplicates - existing
        var text =
            "imported \(importedEmployees) employees: \(events) events in \(String(format: "%.2f", seconds)) s "
            + "(\(Int(eventsPerSecond.rounded())) events/s); rejected \(rejections.count) rows "
            + "(\(duplicates) duplicate emails, \(existing) existing employees, \(invalid) invalid rows"
            + (other > 0 ? ", \(other) other" : "") + ")"
        for rejection in rejections.sorted(by: { $0.line < $1.line }).prefix(limit) { text += "\n  \(rejection)" }
        if rejections.count > limit { text += "\n  … and \(rejections.count - limit) more" }
        return text
    }
}
