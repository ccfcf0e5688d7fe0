import Foundation
import Postgres
import TestSupport
import XCTest

@testable import EventStore

private func newStream(_ stream: String, events: Int = 1, reject: Bool = false) -> AppendRequest {
    AppendRequest(
        stream: StreamID(stream), expectedVersion: .noStream,
        events: (0..<events).map { NewEvent(type: "Imported", data: .object(["n": .int(Int64($0)), "reject": .bool(reject)])) },
        metadata: .object(["principal": .string("system")]))
}

final class BulkAppenderTests: XCTestCase {
    private var database: MigratedDatabase!
    private var pool: PostgresPool!

    override func setUp() async throws {
        database = try MigratedDatabase.make(prefix: "bulk")
        try CountingProjection.install(on: database.owner)
        pool = PostgresPool(configuration: database.app, maximumConnections: 4)
    }

    override func tearDown() async throws {
        await pool?.shutdown()
    }

    private func count(_ sql: PostgresQuery) async throws -> Int {
        try await pool.withConnection { connection in try connection.query(sql).first!.decode(Int.self, column: 0) }
    }

    func testChunksAppendEveryRequestWithDensePositionsAndOneChain() async throws {
        let bulk = BulkAppender(pool: pool, projections: [CountingProjection()], chunkSize: 1_000)
        let requests = (0..<2_500).map { newStream("b-\($0)", events: $0 % 3 == 0 ? 2 : 1) }
        let report = try await bulk.append(requests)
        let expectedEvents = requests.reduce(0) { $0 + $1.events.count }
        XCTAssertEqual(report.appendedRequests, 2_500)
        XCTAssertEqual(report.appendedEvents, expectedEvents)
        XCTAssertTrue(report.failures.isEmpty)
        XCTAssertEqual(report.head?.position, Int64(expectedEvents))

        let verified = try await ChainVerifier(pool: pool).verify()
        XCTAssertTrue(verified.isIntact, "\(String(describing: verified.firstBrokenLink))")
        XCTAssertEqual(verified.eventsChecked, Int64(expectedEvents))
        XCTAssertEqual(verified.head, report.head)
        let stream = try await EventReader(pool: pool).stream(StreamID("b-3"))
        XCTAssertEqual(stream.map(\.streamVersion), [1, 2])
        XCTAssertEqual(stream.map { $0.data["n"] }, [.int(0), .int(1)])
        let projected = try await count("SELECT sum(events)::bigint FROM event_counts")
        XCTAssertEqual(projected, expectedEvents, "projection applied")
        let version = try await count("SELECT version::bigint FROM streams WHERE stream_id = 'b-3'")
        XCTAssertEqual(version, 2)
        let checkpoint = try await count("SELECT position FROM projection_checkpoints WHERE projection = 'counting'")
        XCTAssertEqual(checkpoint, expectedEvents)
    }

    func testExistingAndRepeatedStreamsAreConflictsAndTheRestIsAppended() async throws {
        let appender = BatchingAppender(pool: pool, projections: [CountingProjection()])
        _ = try await appender.append(newStream("x-2", events: 3))
        let bulk = BulkAppender(pool: pool, projections: [CountingProjection()])
        let requests = [
            newStream("x-1"), newStream("x-2"), newStream("x-3"), newStream("x-1"),
            AppendRequest(stream: StreamID("x-4"), expectedVersion: .exactly(0), events: [], metadata: .null),
        ]
        let report = try await bulk.append(requests)
        XCTAssertEqual(report.appendedRequests, 2)
        XCTAssertEqual(Set(report.failures.keys), [1, 3, 4])
        guard case .wrongExpectedVersion(let stream, _, let actual) = report.failures[1] else {
            return XCTFail("an existing stream is a conflict: \(String(describing: report.failures[1]))")
        }
        XCTAssertEqual(stream, StreamID("x-2"))
        XCTAssertEqual(actual, 3)
        guard case .wrongExpectedVersion = report.failures[3] else { return XCTFail("a stream given twice is a conflict") }
        guard case .invalidRequest = report.failures[4] else { return XCTFail("only new streams may be bulk appended") }
        let verified = try await ChainVerifier(pool: pool).verify()
        XCTAssertTrue(verified.isIntact)
        XCTAssertEqual(verified.eventsChecked, 5)
    }

    func testARejectionRedoesTheChunkOneByOneAndReportsExactlyTheRejected() async throws {
        let bulk = BulkAppender(pool: pool, projections: [CountingProjection()], chunkSize: 50)
        let requests = (0..<120).map { newStream("r-\($0)", reject: $0 % 37 == 5) }
        let report = try await bulk.append(requests)
        XCTAssertEqual(Set(report.failures.keys), [5, 42, 79, 116])
        for (_, failure) in report.failures {
            guard case .rejected(let rejection) = failure else { return XCTFail("expected a rejection, got \(failure)") }
            XCTAssertEqual(rejection.reason, "asked_to_reject")
        }
        XCTAssertEqual(report.appendedRequests, 116)
        let projected = try await count("SELECT count(*) FROM event_counts")
        XCTAssertEqual(projected, 116)
        let verified = try await ChainVerifier(pool: pool).verify()
        XCTAssertTrue(verified.isIntact)
        XCTAssertEqual(verified.eventsChecked, 116, "no gap where rejected requests were")
    }

    func testBulkAndOnlineAppendsInterleaveOnOneChain() async throws {
        let appender = BatchingAppender(pool: pool, projections: [CountingProjection()])
        let bulk = BulkAppender(pool: pool, projections: [CountingProjection()], chunkSize: 200)
        async let imported = bulk.append((0..<2_000).map { newStream("i-\($0)") })
        for index in 0..<100 { _ = try await appender.append(newStream("o-\(index)")) }
        let report = try await imported
        XCTAssertEqual(report.appendedRequests, 2_000)
        let verified = try await ChainVerifier(pool: pool).verify()
        XCTAssertTrue(verified.isIntact, "\(String(describing: verified.firstBrokenLink))")
        XCTAssertEqual(verified.eventsChecked, 2_100)
    }

    func testUnbatchedAppenderWritesTheSameLog() async throws {
        let unbatched = UnbatchedAppender(pool: pool, projections: [CountingProjection()])
        let first = try await unbatched.append(newStream("u-1", events: 2))
        XCTAssertEqual(first.events.map(\.position), [1, 2])
        do {
            _ = try await unbatched.append(newStream("u-1"))
            XCTFail("a second create of the same stream must conflict")
        } catch {
            guard case .wrongExpectedVersion(_, _, let actual) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(actual, 2)
        }
        let verified = try await ChainVerifier(pool: pool).verify()
        XCTAssertTrue(verified.isIntact)
    }
}
