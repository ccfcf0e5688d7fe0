import Foundation
import Postgres

/// A chunk checked and made ready before its transaction: which requests can go in, their canonical JSON, and the
/// chunk linked into the chain on an assumption the transaction checks.
struct PreparedChunk: Sendable {
    let requests: [AppendRequest]
    /// Indexes of the requests that may be appended, in order.
    let candidates: [Int]
    /// The canonical texts of each candidate, parallel to `candidates`.
    let texts: [LogWriting.Texts]
    /// Requests refused before anything was written.
    let refused: [Int: AppendError]
    let speculation: Speculation
}
