import Foundation
import Postgres
import TestSupport
import XCTest

@testable import EventStore

/// A rebuilder that checks events arrive one position after another, and fails at one position, to prove the
/// overlapped replay keeps the order and stops, reports and rolls back.
private struct FailingProjection: InlineProjection {
    struct Failure: Error {}
    struct OutOfOrder: Error {}

    let failAt: Int64
    var name: String { "counting" }

    func apply(_ events: [RecordedEvent], of request: AppendRequest, on connection: PostgresConnection) throws {}
    func reset(on connection: PostgresConnection) throws { try connection.execute("TRUNCATE event_counts") }
    func makeRebuilder() -> any ProjectionRebuilder { Rebuilder(failAt: failAt) }

    struct Rebuilder: ProjectionRebuilder {
        let failAt: Int64
        var last: Int64 = 0
        mutating func consume(_ event: RecordedEvent) throws {
            guard event.position == last + 1 else { throw OutOfOrder() }
            last = event.position
            if event.position == failAt { throw Failure() }
        }
        func finish(on connection: PostgresConnection) throws {}
    }
}

final class PipelinedReplayTests: XCTestCase {
    func testReplayFeedsEveryEventInOrderAcrossPagesAndStopsAtTheFirstFailure() async throws {
        let database = try MigratedDatabase.make(prefix: "replay")
        try CountingProjection.install(on: database.owner)
        let pool = PostgresPool(configuration: database.app, maximumConnections: 2)
        let bulk = BulkAppender(pool: pool, projections: [CountingProjection()])
        _ = try await bulk.append(
            (0..<95).map {
                AppendRequest(
                    stream: StreamID("p-\($0 % 10)-\($0)"), expectedVersion: .noStream,
                    events: [NewEvent(type: "T", data: .object(["i": .int(Int64($0))]))], metadata: .null)
            })

        let replayed = try await ProjectionRebuild(pool: pool, projections: [CountingProjection()], pageSize: 7).run()
        XCTAssertEqual(replayed, 95)
        let counted = try await pool.withConnection { connection in
            try connection.query("SELECT sum(events)::bigint FROM event_counts").first!.decode(Int.self, column: 0)
        }
        XCTAssertEqual(counted, 95)
        let ordered = try await ProjectionRebuild(pool: pool, projections: [FailingProjection(failAt: .max)], pageSize: 7).run()
        XCTAssertEqual(ordered, 95, "every event, one position after another")
        _ = try await ProjectionRebuild(pool: pool, projections: [CountingProjection()], pageSize: 7).run()

        do {
            _ = try await ProjectionRebuild(pool: pool, projections: [FailingProjection(failAt: 40)], pageSize: 7).run()
            XCTFail("a failing rebuilder must fail the rebuild")
        } catch is FailingProjection.Failure {}
        let kept = try await pool.withConnection { connection in
            try connection.query("SELECT sum(events)::bigint FROM event_counts").first!.decode(Int.self, column: 0)
        }
        XCTAssertEqual(kept, 95, "the failed rebuild changed nothing")
        await pool.shutdown()
    }
}
