import Foundation

/// What the caller believes the stream's version to be; a mismatch is a concurrency error, never a lost update.
public enum ExpectedVersion: Sendable, Hashable {
    /// The stream must not exist yet.
    case noStream
    /// The stream must be at exactly this version (the number of events in it).
    case exactly(Int)
    /// No check: for system writers that append facts which cannot conflict.
    case any
}
