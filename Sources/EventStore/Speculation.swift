import Foundation
import Postgres

/// Every candidate recorded (positions, versions, hashes, the finishing statement's encoded parameters) ahead of the
/// transaction, assuming the log still ends at `assumedHead` when the transaction locks it and every candidate's
/// stream is new. That holds while a bulk append is the only writer, and takes the hashing and encoding out of the
/// time the head row is locked; when it does not hold, the transaction records the chunk again.
struct Speculation: Sendable {
    let assumedHead: ChainHead
    /// The events of each candidate, parallel to `candidates`.
    let recorded: [[RecordedEvent]]
    /// `LogWriting.finishStatement` for these events.
    let finish: PostgresQuery?
    /// The head after the chunk.
    let head: ChainHead
}
