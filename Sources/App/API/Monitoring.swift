import Accounts
import EventStore

/// What the audit and operations routes need beyond the command and query paths: the log watcher (live event
/// streams), the principal feed (its position is a lag metric) and the request counters.
struct Monitoring: Sendable {
    let watcher: LogWatcher
    let principalFeed: PrincipalFeed
    let requests: RequestMetrics
}
