import Foundation
import Postgres

struct ChunkOutcome: Sendable {
    var appendedRequests = 0
    var appendedEvents = 0
    var head: ChainHead?
    var failures: [Int: AppendError] = [:]
}
