import Foundation
import Glibc

/// A failed step of `EmbeddedPostgres`, with the tool's output (paths and PostgreSQL messages, no secrets).
public struct EmbeddedPostgresError: Error, Sendable, CustomStringConvertible {
    public let step: String
    public let output: String
    public var description: String { "embedded PostgreSQL: \(step) failed: \(output)" }
}
