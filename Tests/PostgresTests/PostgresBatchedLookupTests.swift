import Foundation
import Postgres
import TestSupport
import XCTest

final class PostgresBatchedLookupTests: XCTestCase {
    /// Squares of 1...1000 in a table, found by `= ANY($1)`; the batch sizes are recorded.
    private func makeLookup(
        _ pool: PostgresPool, maximumBatchSize: Int, batches: Locked<[Int]>, pause: Double = 0,
        running: Locked<(now: Int, peak: Int)> = Locked((0, 0))
    ) -> PostgresBatchedLookup<Int, Int> {
        PostgresBatchedLookup(pool: pool, maximumBatchSize: maximumBatchSize, lanes: 2) { connection, keys in
            batches.withLock { $0.append(keys.count) }
            running.withLock { $0 = ($0.now + 1, max($0.peak, $0.now + 1)) }
            defer { running.withLock { $0.now -= 1 } }
            if pause > 0 { try connection.execute("SELECT pg_sleep(\(pause))") }
            var found: [Int: Int] = [:]
            for row in try connection.query("SELECT n, square FROM squares WHERE n = ANY(\(keys))") {
                found[try row.decode(Int.self, column: 0)] = try row.decode(Int.self, column: 1)
            }
            return found
        }
    }

    private func makePool(prefix: String, connections: Int, acquireTimeout: Duration = .seconds(10)) async throws
        -> PostgresPool
    {
        let pool = PostgresPool(
            configuration: try TestCluster.makeDatabase(prefix: prefix), maximumConnections: connections,
            acquireTimeout: acquireTimeout)
        try await pool.withConnection { connection in
            try connection.execute("CREATE TABLE squares (n int PRIMARY KEY, square bigint NOT NULL)")
            try connection.execute("INSERT INTO squares SELECT n, n::bigint * n FROM generate_series(1, 1000) AS n")
        }
        return pool
    }

    func testConcurrentLoadsShareQueriesAndEachGetsItsOwnAnswer() async throws {
        let pool = try await makePool(prefix: "lookup", connections: 6)
        let batches = Locked<[Int]>([])
        let running = Locked((now: 0, peak: 0))
        let lookup = makeLookup(pool, maximumBatchSize: 16, batches: batches, pause: 0.01, running: running)
        // Keys above 1000 are missing; some keys are asked for twice.
        let keys = (0..<300).map { $0 % 7 == 0 ? 2_000 + $0 : $0 % 250 + 1 }
        let answers = try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
            for key in keys { group.addTask { (key, try await lookup.load(key)) } }
            return try await group.reduce(into: [(Int, Int?)]()) { $0.append($1) }
        }
        XCTAssertEqual(answers.count, keys.count)
        for (key, value) in answers {
            XCTAssertEqual(value, key > 1000 ? nil : key * key, "key \(key)")
        }
        let sizes = batches.value
        XCTAssertLessThan(sizes.count, keys.count / 4, "concurrent loads should share queries: \(sizes)")
        XCTAssertLessThanOrEqual(sizes.max() ?? 0, 16, "a batch never exceeds its maximum")
        XCTAssertEqual(running.value.peak, 2, "two lanes: two batches at once, however many connections are free")
        XCTAssertEqual(lookup.statistics.queries, sizes.count)
        XCTAssertEqual(lookup.statistics.callers, keys.count)
        await pool.shutdown()
    }

    func testALoneLoadIsAnsweredWithoutWaitingForCompany() async throws {
        let pool = try await makePool(prefix: "lookup_lone", connections: 2)
        let batches = Locked<[Int]>([])
        let lookup = makeLookup(pool, maximumBatchSize: 64, batches: batches)
        for key in [5, 6, 7] {
            let value = try await lookup.load(key)
            XCTAssertEqual(value, key * key)
        }
        XCTAssertEqual(batches.value, [1, 1, 1])
        XCTAssertEqual([lookup.statistics.queries, lookup.statistics.callers], [3, 3])
        await pool.shutdown()
    }

    func testAFailedFetchFailsEveryCallerOfItsBatchAndLaterBatchesWork() async throws {
        let pool = try await makePool(prefix: "lookup_fail", connections: 1)
        let fetches = Locked<[Int]>([])
        let lookup = PostgresBatchedLookup<Int, Int>(pool: pool) { connection, keys in
            let isFirst = fetches.withLock { fetches in
                fetches.append(keys.count)
                return fetches.count == 1
            }
            let divisor = isFirst ? 0 : 1
            var found: [Int: Int] = [:]
            for row in try connection.query("SELECT n, square / \(divisor) FROM squares WHERE n = ANY(\(keys))") {
                found[try row.decode(Int.self, column: 0)] = try row.decode(Int.self, column: 1)
            }
            return found
        }
        // While the only connection is held, all twenty callers gather in one batch.
        let release = Locked(false)
        let holder = Task { try await pool.withConnection { _ in while !release.value { usleep(5_000) } } }
        _ = await eventually { pool.statistics.inUse == 1 }
        let callers = Task {
            await withTaskGroup(of: Bool.self) { group in
                for key in 1...20 { group.addTask { (try? await lookup.load(key)) != nil } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
        }
        _ = await eventually { pool.statistics.waiters == 1 }
        try await Task.sleep(for: .milliseconds(100))
        release.withLock { $0 = true }
        try await holder.value
        let answered = await callers.value
        XCTAssertEqual(fetches.value, [20], "one batch for all twenty callers")
        XCTAssertEqual(answered, Array(repeating: false, count: 20), "every caller of the failed batch sees its error")
        let value = try await lookup.load(9)
        XCTAssertEqual(value, 81)
        await pool.shutdown()
    }

    func testWhenNoConnectionComesTheLeaderAndItsFollowersAllFail() async throws {
        let pool = try await makePool(prefix: "lookup_timeout", connections: 1, acquireTimeout: .milliseconds(300))
        let batches = Locked<[Int]>([])
        let lookup = makeLookup(pool, maximumBatchSize: 64, batches: batches)
        let release = Locked(false)
        let holder = Task { try await pool.withConnection { _ in while !release.value { usleep(5_000) } } }
        _ = await eventually { pool.statistics.inUse == 1 }
        let started = ContinuousClock.now
        let kinds = await withTaskGroup(of: PostgresError.Kind?.self) { group in
            for key in 1...10 {
                group.addTask {
                    do {
                        _ = try await lookup.load(key)
                        return nil
                    } catch {
                        return (error as? PostgresError)?.kind
                    }
                }
            }
            return await group.reduce(into: [PostgresError.Kind?]()) { $0.append($1) }
        }
        XCTAssertEqual(kinds, Array(repeating: .poolTimeout, count: 10))
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5), "nobody is left waiting")
        XCTAssertEqual(batches.value, [], "no batch ran")
        XCTAssertEqual([lookup.statistics.queries, lookup.statistics.callers], [0, 0])
        release.withLock { $0 = true }
        try await holder.value
        let value = try await lookup.load(3)
        XCTAssertEqual(value, 9)
        await pool.shutdown()
    }
}
