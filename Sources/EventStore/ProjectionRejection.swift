import Foundation
import Postgres

/// Thrown by an inline projection to refuse one request without failing the batch it is in.
public struct ProjectionRejection: Error, Sendable, Hashable {
    /// A stable machine-readable reason, e.g. `duplicate_email`.
    public let reason: String
    /// The input field the reason is about, when there is one.
    public let field: String?

    public init(reason: String, field: String? = nil) {
        self.reason = reason
        self.field = field
    }
}
