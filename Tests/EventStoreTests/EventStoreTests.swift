import Foundation
import Postgres
import TestSupport
import XCTest

@testable import EventStore

extension Result where Failure == AppendError {
    init(catching body: () async throws(AppendError) -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

/// A projection for tests: counts events per stream in its own table and refuses events whose data asks for it.
struct CountingProjection: InlineProjection {
    var name: String { "counting" }

    static func install(on owner: PostgresConfiguration) throws {
        let connection = try PostgresConnection.connect(to: owner)
        try connection.execute("CREATE TABLE event_counts (stream_id text PRIMARY KEY, events integer NOT NULL)")
        try connection.execute("GRANT SELECT, INSERT, UPDATE, TRUNCATE ON event_counts TO employees_app")
    }

    func apply(_ events: [RecordedEvent], of request: AppendRequest, on connection: PostgresConnection) throws {
        if events.contains(where: { $0.data["reject"] == .bool(true) }) {
            throw ProjectionRejection(reason: "asked_to_reject", field: "reject")
        }
        try connection.execute(
            """
            INSERT INTO event_counts (stream_id, events) VALUES (\(request.stream.rawValue), \(events.count))
            ON CONFLICT (stream_id) DO UPDATE SET events = event_counts.events + excluded.events
            """)
    }

    func reset(on connection: PostgresConnection) throws {
        try connection.execute("TRUNCATE event_counts")
    }

    func makeRebuilder() -> any ProjectionRebuilder { Rebuilder() }

    struct Rebuilder: ProjectionRebuilder {
        var counts: [String: Int] = [:]

        mutating func consume(_ event: RecordedEvent) throws {
            counts[event.streamID.rawValue, default: 0] += 1
        }

        func finish(on connection: PostgresConnection) throws {
            for (stream, count) in counts {
                try connection.execute("INSERT INTO event_counts (stream_id, events) VALUES (\(stream), \(count))")
            }
        }
    }
}

private func event(_ data: JSONValue = .object(["n": .int(1)]), id: UUID = UUID()) -> NewEvent {
    NewEvent(id: id, type: "Tested", data: data)
}

private func request(_ stream: String, _ expected: ExpectedVersion, _ events: [NewEvent]) -> AppendRequest {
    AppendRequest(
        stream: StreamID(stream), expectedVersion: expected, events: events, metadata: .object(["principal": .string("test")]))
}

final class EventStoreTests: XCTestCase {
    private var database: MigratedDatabase!
    private var pool: PostgresPool!
    private var appender: BatchingAppender!

    override func setUp() async throws {
        database = try MigratedDatabase.make()
        try CountingProjection.install(on: database.owner)
        pool = PostgresPool(configuration: database.app, maximumConnections: 4)
        appender = BatchingAppender(pool: pool, projections: [CountingProjection()])
    }

    override func tearDown() async throws {
        await pool?.shutdown()
    }

    func testAppendThenReadStreamAndGlobalLog() async throws {
        let first = try await appender.append(request("s-1", .noStream, [event(), event()]))
        XCTAssertEqual(first.events.map(\.position), [1, 2])
        XCTAssertEqual(first.events.map(\.streamVersion), [1, 2])
        XCTAssertEqual(first.streamVersion, 2)
        let second = try await appender.append(request("s-1", .exactly(2), [event(.object(["n": .int(3)]))]))
        XCTAssertEqual(second.events.map(\.position), [3])
        let stream = try await EventReader(pool: pool).stream(StreamID("s-1"))
        XCTAssertEqual(stream, first.events + second.events, "what is read back equals what the append returned")
        XCTAssertEqual(stream[2].metadata["principal"], .string("test"))
        let page = try await EventReader(pool: pool).events(after: 1, limit: 10)
        XCTAssertEqual(page.map(\.position), [2, 3])
        let head = try await EventReader(pool: pool).head()
        XCTAssertEqual(head, ChainHead(position: 3, hash: second.events[0].hash))
    }

    func testStaleExpectedVersionIsATypedConflictAndWritesNothing() async throws {
        _ = try await appender.append(request("s-2", .noStream, [event()]))
        for expected in [ExpectedVersion.exactly(0), .noStream, .exactly(5)] {
            let attempt = request("s-2", expected, [event()])
            let outcome = await Result(catching: { () async throws(AppendError) in try await appender.append(attempt) })
            guard case .failure(let error) = outcome, case .wrongExpectedVersion(let stream, _, let actual) = error else {
                return XCTFail("expected a concurrency error for \(expected), got \(outcome)")
            }
            XCTAssertEqual(stream, StreamID("s-2"))
            XCTAssertEqual(actual, 1)
        }
        let head = try await EventReader(pool: pool).head()
        XCTAssertEqual(head.position, 1)
    }

    func testRetriedAppendWithTheSameEventIdsIsIdempotent() async throws {
        let retried = request("s-3", .noStream, [event(id: UUID()), event(id: UUID())])
        let first = try await appender.append(retried)
        let second = try await appender.append(retried)
        XCTAssertFalse(first.wasAlreadyAppended)
        XCTAssertTrue(second.wasAlreadyAppended)
        XCTAssertEqual(first.events, second.events)
        let anyVersion = request("s-4", .any, [event(id: UUID())])
        _ = try await appender.append(anyVersion)
        let again = try await appender.append(anyVersion)
        XCTAssertTrue(again.wasAlreadyAppended)
        let head = try await EventReader(pool: pool).head()
        XCTAssertEqual(head.position, 3)
    }

    func testARejectedRequestDoesNotFailItsNeighboursInTheSameBatch() async throws {
        let appender = self.appender!
        let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<40 {
                let data: JSONValue = .object(["reject": .bool(index % 4 == 0)])
                let request = request("n-\(index)", .noStream, [event(data)])
                group.addTask {
                    do {
                        _ = try await appender.append(request)
                        return (index, true)
                    } catch AppendError.rejected(let rejection) {
                        XCTAssertEqual(rejection.reason, "asked_to_reject")
                        return (index, false)
                    }
                }
            }
            var outcomes: [Int: Bool] = [:]
            for try await (index, succeeded) in group { outcomes[index] = succeeded }
            return outcomes
        }
        for index in 0..<40 { XCTAssertEqual(outcomes[index], index % 4 != 0, "request \(index)") }
        let report = try await ChainVerifier(pool: pool).verify()
        XCTAssertTrue(report.isIntact)
        XCTAssertEqual(report.eventsChecked, 30, "positions are dense: rejected requests left no gap")
        let counted = try await pool.withConnection { connection in
            try connection.query("SELECT count(*) FROM event_counts").first!.decode(Int.self, column: 0)
        }
        XCTAssertEqual(counted, 30, "a rejected request's projection work was rolled back")
        XCTAssertGreaterThan(appender.currentStatistics.largestBatchSize, 1, "concurrent requests shared a transaction")
    }

    func testConcurrentWritersToOverlappingStreamsKeepADenseOrderedChain() async throws {
        let writers = 8
        let appendsPerWriter = 1_000
        let streams = 25
        let appender = self.appender!
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in 0..<appendsPerWriter {
                        let stream = "c-\((writer * 7 + index) % streams)"
                        var expected = 0
                        while true {
                            do {
                                _ = try await appender.append(
                                    request(
                                        stream, .exactly(expected),
                                        [event(.object(["w": .int(Int64(writer)), "i": .int(Int64(index))]))]))
                                break
                            } catch AppendError.wrongExpectedVersion(_, _, let actual) {
                                expected = actual
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = writers * appendsPerWriter
        var all: [RecordedEvent] = []
        var cursor: Int64 = 0
        while true {
            let page = try await EventReader(pool: pool).events(after: cursor, limit: 1_000)
            guard let last = page.last else { break }
            all += page
            cursor = last.position
        }
        XCTAssertEqual(all.count, total, "every event exactly once")
        XCTAssertEqual(all.map(\.position), Array(1...Int64(total)), "positions dense and in order")
        XCTAssertEqual(Set(all.map(\.id)).count, total)
        for (stream, events) in Dictionary(grouping: all, by: \.streamID) {
            XCTAssertEqual(events.map(\.streamVersion), Array(1...events.count), "versions of \(stream) are dense")
        }
        for writer in 0..<writers {
            let own = all.filter { $0.data["w"] == .int(Int64(writer)) }.map { $0.data["i"]!.intValue! }
            XCTAssertEqual(own, (0..<Int64(appendsPerWriter)).map { $0 }, "writer \(writer)'s events are in its order")
        }
        let report = try await ChainVerifier(pool: pool).verify()
        XCTAssertTrue(report.isIntact, "\(String(describing: report.firstBrokenLink))")
        XCTAssertEqual(report.head.position, Int64(total))
    }

    func testTheAppRoleCannotChangeOrRemoveEvents() async throws {
        _ = try await appender.append(request("a-1", .noStream, [event()]))
        for statement: PostgresQuery in [
            "UPDATE events SET data = '{}'::jsonb", "DELETE FROM events", "TRUNCATE events",
            "UPDATE event_log_head SET position = 0 WHERE false", "DELETE FROM event_log_head",
        ] {
            do {
                _ = try await pool.withConnection { connection in try connection.execute(statement) }
                if statement.description.hasPrefix("UPDATE event_log_head") { continue }
                XCTFail("\(statement) must be refused")
            } catch let error as PostgresError {
                XCTAssertEqual(error.code, .insufficientPrivilege, "\(statement)")
            }
        }
        let owner = try PostgresConnection.connect(to: database.owner)
        XCTAssertThrowsError(try owner.execute("DELETE FROM events"), "the trigger refuses even the owner") { error in
            XCTAssertEqual((error as? PostgresError)?.code, .insufficientPrivilege)
        }
        let report = try await ChainVerifier(pool: pool).verify()
        XCTAssertEqual(report.eventsChecked, 1)
    }

    func testVerifierFindsTheFirstTamperedEventAndAGap() async throws {
        for index in 0..<5 { _ = try await appender.append(request("t-\(index)", .noStream, [event()])) }
        let intact = try await ChainVerifier(pool: pool).verify()
        XCTAssertTrue(intact.isIntact)
        XCTAssertEqual(intact.eventsChecked, 5)

        let attacker = try PostgresConnection.connect(to: database.owner)
        try attacker.execute("ALTER TABLE events DISABLE TRIGGER events_no_update_or_delete")
        try attacker.execute("UPDATE events SET data = '{\"n\": 2}'::jsonb WHERE position = 3")
        let tampered = try await ChainVerifier(pool: pool).verify()
        XCTAssertEqual(tampered.firstBrokenLink, .init(position: 3, reason: .hashMismatch))
        XCTAssertEqual(tampered.eventsChecked, 2)

        try attacker.execute("DELETE FROM events WHERE position = 3")
        let removed = try await ChainVerifier(pool: pool).verify()
        XCTAssertEqual(removed.firstBrokenLink, .init(position: 4, reason: .gap(expected: 3)))
    }

    func testStoredJSONTextIsExactlyTheCanonicalText() async throws {
        let tricky: JSONValue = .object([
            "quote\"": .string("a\"b\\c/d"), "controls": .string("\u{1}\u{8}\u{c}\n\r\t\u{1f}"), "unicode": .string("é✓😀\u{7f}"),
            "nested": .object(["zz": .array([.int(-1), .null, .bool(false)]), "a": .object([:])]), "": .string(""),
            "long key name": .int(Int64.min),
        ])
        let appended = try await appender.append(request("j-1", .noStream, [event(tricky)]))
        let stored = try await pool.withConnection { connection in
            try connection.query("SELECT data::text FROM events WHERE position = \(appended.events[0].position)")
                .first!.decode(String.self, column: 0)
        }
        XCTAssertEqual(stored, try tricky.canonicalText())
        let report = try await ChainVerifier(pool: pool).verify()
        XCTAssertTrue(report.isIntact)
    }

    func testRebuildReproducesTheInlineProjection() async throws {
        for index in 0..<30 {
            let stream = "r-\(index % 7)"
            let current = try await EventReader(pool: pool).stream(StreamID(stream)).count
            _ = try await appender.append(request(stream, .exactly(current), [event(), event()]))
        }
        let query: PostgresQuery = "SELECT stream_id, events FROM event_counts ORDER BY stream_id"
        let before = try await pool.withConnection { connection in
            try connection.query(query).map { "\(try $0.decode(String.self, column: 0))=\(try $0.decode(Int.self, column: 1))" }
        }
        let replayed = try await ProjectionRebuild(pool: pool, projections: [CountingProjection()], pageSize: 7).run()
        XCTAssertEqual(replayed, 60)
        let after = try await pool.withConnection { connection in
            try connection.query(query).map { "\(try $0.decode(String.self, column: 0))=\(try $0.decode(Int.self, column: 1))" }
        }
        XCTAssertEqual(before, after)
        XCTAssertEqual(before.count, 7)
    }
}
