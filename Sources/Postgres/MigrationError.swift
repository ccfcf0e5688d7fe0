import Foundation

/// Why migrating stopped, naming the file concerned.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file was applied before with a different content.
        case checksumMismatch
        /// The file's SQL failed; its transaction was rolled back.
        case failed
        /// The folder or the file could not be read.
        case unreadable
        /// Locking, reading or writing `schema_migrations` failed.
        case bookkeeping
    }

    public let kind: Kind
    public let file: String?
    public let underlying: PostgresError?

    init(kind: Kind, file: String?, underlying: PostgresError? = nil) {
        self.kind = kind
        self.file = file
        self.underlying = underlying
    }

    public var description: String {
        let subject = file.map { " \($0)" } ?? ""
        let cause = underlying.map { ": \($0)" } ?? ""
        switch kind {
        case .checksumMismatch: return "migration\(subject) was edited after it was applied"
        case .failed: return "migration\(subject) failed and was rolled back\(cause)"
        case .unreadable: return "migration\(subject) cannot be read"
        case .bookkeeping: return "migration bookkeeping failed\(cause)"
        }
    }
}
