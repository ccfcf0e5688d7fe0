import Foundation
import Postgres

/// What a bulk append did.
public struct BulkAppendReport: Sendable {
    public private(set) var appendedRequests = 0
    public private(set) var appendedEvents = 0
    /// The log's head after the last committed chunk that appended something.
    public private(set) var head: ChainHead?
    /// Why a request was not appended, by its index in the input: `.wrongExpectedVersion` for a stream that already
    /// exists (or appears twice in the input), `.rejected` when a projection refused it, `.invalidRequest`.
    public private(set) var failures: [Int: AppendError] = [:]

    public init() {}

    mutating func merge(_ outcome: ChunkOutcome, offset: Int) {
        appendedRequests += outcome.appendedRequests
        appendedEvents += outcome.appendedEvents
        if let chunkHead = outcome.head { head = chunkHead }
        for (index, error) in outcome.failures { failures[offset + index] = error }
    }
}
