import Foundation
import Postgres

/// A bulk append stopped by a failed transaction: `committed` is what the earlier chunks appended.
public struct BulkAppendFailure: Error, Sendable {
    public let committed: BulkAppendReport
    public let error: AppendError
}
