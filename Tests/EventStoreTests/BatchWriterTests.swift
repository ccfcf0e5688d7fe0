import Foundation
import Postgres
import TestSupport
import XCTest

@testable import EventStore

/// One batch mixing every kind of request: the set-based claims take the common ones, the per-request path the rest,
/// and each request gets its own outcome in its own place.
final class BatchWriterTests: XCTestCase {
    private func request(_ stream: String, _ expected: ExpectedVersion, events: Int = 1, reject: Bool = false) -> AppendRequest {
        AppendRequest(
            stream: StreamID(stream), expectedVersion: expected,
            events: (0..<events).map { _ in NewEvent(type: "T", data: .object(["reject": .bool(reject)])) }, metadata: .null)
    }

    func testAMixedBatchGivesEachRequestItsOwnOutcome() async throws {
        let database = try MigratedDatabase.make(prefix: "batch")
        try CountingProjection.install(on: database.owner)
        let pool = PostgresPool(configuration: database.app, maximumConnections: 2)
        let writer = BatchWriter(projections: [CountingProjection()], recordedAt: Date())
        let setUp = [request("m-1", .noStream, events: 2), request("m-2", .noStream)]
        _ = try await writer.write(setUp, using: pool)

        let batch = [
            request("m-3", .noStream),  // new stream
            request("m-1", .exactly(2)),  // next version
            request("m-2", .exactly(5)),  // stale
            request("m-4", .any, events: 2),  // no check
            request("m-1", .exactly(2)),  // same stream again in the batch: stale after the first
            request("m-2", .noStream),  // exists
            request("m-5", .exactly(0)),  // new stream, spelled as version 0
        ]
        let outcomes = try await writer.write(batch, using: pool)
        func version(_ index: Int) -> Int? { try? outcomes[index].get().streamVersion }
        XCTAssertEqual(version(0), 1)
        XCTAssertEqual(version(1), 3)
        XCTAssertEqual(version(3), 2)
        XCTAssertEqual(version(6), 1)
        for (index, actual) in [(2, 1), (4, 3), (5, 1)] {
            guard case .failure(.wrongExpectedVersion(_, _, let found)) = outcomes[index] else {
                return XCTFail("request \(index) must be stale, got \(outcomes[index])")
            }
            XCTAssertEqual(found, actual, "request \(index)")
        }

        let rejected = [request("r-1", .noStream), request("r-2", .noStream, reject: true), request("m-3", .exactly(1))]
        let second = try await writer.write(rejected, using: pool)
        XCTAssertEqual(try second[0].get().streamVersion, 1)
        guard case .failure(.rejected) = second[1] else { return XCTFail("the projection refused request 1") }
        XCTAssertEqual(try second[2].get().streamVersion, 2)

        let report = try await ChainVerifier(pool: pool).verify()
        XCTAssertTrue(report.isIntact)
        XCTAssertEqual(report.eventsChecked, 3 + 1 + 1 + 2 + 1 + 1 + 1)
        let counts = try await pool.withConnection { connection in
            try connection.query("SELECT stream_id || '=' || events FROM event_counts ORDER BY stream_id").map {
                try $0.decode(String.self, column: 0)
            }
        }
        XCTAssertEqual(counts, ["m-1=3", "m-2=1", "m-3=2", "m-4=2", "m-5=1", "r-1=1"])
        await pool.shutdown()
    }
}
