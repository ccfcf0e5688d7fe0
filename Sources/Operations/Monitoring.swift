import Accounts
import EventStore

/// What the audit and operations routes need beyond the command and query paths: the log watcher (live event
/// streams), the principal feed (its position is a lag metric) and the request counters.
package struct Monitoring: Sendable {
    package let watcher: LogWatcher
    package let principalFeed: PrincipalFeed
    package let requests: RequestMetrics

    package init(watcher: LogWatcher, principalFeed: PrincipalFeed, requests: RequestMetrics) {
        self.watcher = watcher
        self.principalFeed = principalFeed
        self.requests = requests
    }
}
