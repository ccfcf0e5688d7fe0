import Foundation
import Postgres
import TestSupport
import XCTest

@testable import EventStore

final class EventFollowerTests: XCTestCase {
    func testFollowerDeliversTheBacklogThenLiveEventsInOrderExactlyOnce() async throws {
        let database = try MigratedDatabase.make(prefix: "follow")
        let pool = PostgresPool(configuration: database.app, maximumConnections: 2)
        let appender = BatchingAppender(pool: pool, projections: [])
        let watcher = LogWatcher(configuration: database.app)
        defer { watcher.stop() }
        func append(_ stream: String) async throws {
            _ = try await appender.append(
                AppendRequest(
                    stream: StreamID(stream), expectedVersion: .any, events: [NewEvent(type: "T", data: .object([:]))],
                    metadata: .object([:])))
        }
        for index in 0..<3 { try await append("f-\(index)") }

        let follower = EventFollower(pool: pool, watcher: watcher, pageSize: 2, pollInterval: .seconds(30))
        let collected = Task {
            var positions: [Int64] = []
            for try await page in follower.pages(after: 1) {
                positions += page.map(\.position)
                if positions.count == 4 { break }
            }
            return positions
        }
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        try await append("f-live-1")
        try await append("f-live-2")
        let positions = try await collected.value
        XCTAssertEqual(positions, [2, 3, 4, 5])
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(10), "woken by NOTIFY, not by the 30 s poll")
        await pool.shutdown()
    }
}
