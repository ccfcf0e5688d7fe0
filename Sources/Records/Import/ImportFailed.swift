import EventStore

/// The import stopped because the database failed; `summary` counts what was committed before.
public struct ImportFailed: Error, CustomStringConvertible {
    public let summary: ImportSummary
    public let error: AppendError

    public var description: String {
        "the import stopped after \(summary.importedEmployees) employees were committed: \(error)"
    }
}
