import Crypto
import Foundation
import Postgres
import Synchronization

/// What the appender has done since start-up.
public struct AppenderStatistics: Sendable, Hashable {
    public private(set) var batches = 0
    public private(set) var requests = 0
    public private(set) var events = 0
    public private(set) var lastBatchSize = 0
    public private(set) var largestBatchSize = 0

    mutating func record(batchSize: Int, events appended: Int) {
        batches += 1
        requests += batchSize
        events += appended
        lastBatchSize = batchSize
        largestBatchSize = max(largestBatchSize, batchSize)
    }
}
