import Foundation
import Postgres
import Synchronization

/// Reads the log from a position onward: first the backlog in pages, then each new event as it commits, in
/// position order, exactly once, until the consuming task is cancelled.
public struct EventFollower: Sendable {
    private let pool: PostgresPool
    private let watcher: LogWatcher
    private let pageSize: Int
    private let pollInterval: Duration

    public init(pool: PostgresPool, watcher: LogWatcher, pageSize: Int = 500, pollInterval: Duration = .seconds(1)) {
        self.pool = pool
        self.watcher = watcher
        self.pageSize = pageSize
        self.pollInterval = pollInterval
    }

    /// Pages of events after `position`. A page is never empty; the stream ends only with an error or cancellation.
    public func pages(after position: Int64) -> AsyncThrowingStream<[RecordedEvent], any Error> {
        let reader = EventReader(pool: pool)
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: [RecordedEvent].self, bufferingPolicy: .bufferingOldest(4))
        let task = Task { [watcher, pageSize, pollInterval] in
            var cursor = position
            do {
                while !Task.isCancelled {
                    let page = try await reader.events(after: cursor, limit: pageSize)
                    if let last = page.last {
                        cursor = last.position
                        while case .dropped = continuation.yield(page) {
                            try await Task.sleep(for: .milliseconds(5))
                        }
                    } else {
                        await watcher.waitForEvents(after: cursor, timeout: pollInterval)
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
