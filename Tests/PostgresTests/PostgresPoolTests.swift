import Foundation
import Postgres
import TestSupport
import XCTest

final class PostgresPoolTests: XCTestCase {
    func testSixteenConcurrentTasksShareFourConnections() async throws {
        let pool = PostgresPool(configuration: try TestCluster.makeDatabase(prefix: "pool"), maximumConnections: 4)
        let peakInUse = Locked(0)
        let peakOnServer = Locked(0)
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<16 {
                group.addTask {
                    try await pool.withConnection { connection in
                        let inUse = pool.statistics.inUse
                        peakInUse.withLock { $0 = max($0, inUse) }
                        let row = try connection.query(
                            """
                            SELECT \(task), count(*) FROM pg_stat_activity, pg_sleep(0.05)
                            WHERE datname = current_database() AND backend_type = 'client backend'
                            """)[0]
                        let onServer = try row.decode(Int.self, column: 1)
                        peakOnServer.withLock { $0 = max($0, onServer) }
                        return try row.decode(Int.self, column: 0)
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        XCTAssertEqual(results.sorted(), Array(0..<16))
        XCTAssertLessThanOrEqual(peakInUse.value, 4)
        XCTAssertLessThanOrEqual(peakOnServer.value, 4)
        XCTAssertGreaterThan(peakInUse.value, 1, "the tasks should have overlapped")
        let statistics = pool.statistics
        XCTAssertEqual(statistics.maximumConnections, 4)
        XCTAssertEqual(statistics.inUse, 0)
        XCTAssertEqual(statistics.waiters, 0)
        XCTAssertLessThanOrEqual(statistics.openConnections, 4)
        await pool.shutdown()
    }

    func testClosuresRunOnTheConnectionsOwnThreadNotOnTheCooperativePool() async throws {
        let pool = PostgresPool(configuration: try TestCluster.makeDatabase(prefix: "threads"), maximumConnections: 2)
        let threadName = try await pool.withConnection { _ in Thread.current.name }
        XCTAssertEqual(threadName, "pg-connection")
        await pool.shutdown()
    }

    func testWaitersAreServedInArrivalOrderAndTimeOut() async throws {
        let pool = PostgresPool(
            configuration: try TestCluster.makeDatabase(prefix: "fifo"), maximumConnections: 1,
            acquireTimeout: .seconds(20))
        let order = Locked<[Int]>([])
        let release = Locked(false)
        let holder = Task {
            try await pool.withConnection { _ in
                while !release.value { usleep(5_000) }
            }
        }
        _ = await eventually { pool.statistics.inUse == 1 }
        var waiters: [Task<Void, any Error>] = []
        for number in 1...3 {
            waiters.append(Task { try await pool.withConnection { _ in order.withLock { $0.append(number) } } })
            let expected = number
            let queued = await eventually { pool.statistics.waiters == expected }
            XCTAssertTrue(queued)
        }
        release.withLock { $0 = true }
        try await holder.value
        for waiter in waiters { try await waiter.value }
        XCTAssertEqual(order.value, [1, 2, 3])
        await pool.shutdown()

        let impatient = PostgresPool(
            configuration: try TestCluster.makeDatabase(prefix: "timeout"), maximumConnections: 1,
            acquireTimeout: .milliseconds(100))
        let busy = Task { try await impatient.withConnection { try $0.execute("SELECT pg_sleep(1)") } }
        _ = await eventually { impatient.statistics.inUse == 1 }
        do {
            try await impatient.withConnection { _ in }
            XCTFail("expected a pool timeout")
        } catch let error as PostgresError {
            XCTAssertEqual(error.kind, .poolTimeout)
        }
        XCTAssertEqual(impatient.statistics.waiters, 0)
        _ = try await busy.value
        await impatient.shutdown()
    }

    func testTransactionsCommitOnReturnAndRollBackOnThrow() async throws {
        struct Refused: Error {}
        let pool = PostgresPool(configuration: try TestCluster.makeDatabase(prefix: "pooltx"), maximumConnections: 2)
        try await pool.withConnection { try $0.execute("CREATE TABLE notes (text text)") }
        do {
            try await pool.withTransaction { connection in
                try connection.execute("INSERT INTO notes VALUES ('discarded')")
                throw Refused()
            }
            XCTFail("expected the error to propagate")
        } catch is Refused {}
        try await pool.withTransaction { try $0.execute("INSERT INTO notes VALUES ('kept')") }
        let notes = try await pool.withConnection { connection in
            try connection.query("SELECT text FROM notes").map { try $0.decode(String.self, column: 0) }
        }
        XCTAssertEqual(notes, ["kept"])
        await pool.shutdown()
    }

    func testATerminatedConnectionIsReplacedWithoutFailingTheNextCall() async throws {
        let configuration = try TestCluster.makeDatabase(prefix: "terminated")
        let pool = PostgresPool(configuration: configuration, maximumConnections: 1)
        let firstBackend = try await pool.withConnection {
            try $0.query("SELECT pg_backend_pid()")[0].decode(Int.self, column: 0)
        }
        let admin = try PostgresConnection.connect(to: configuration)
        try admin.execute("SELECT pg_terminate_backend(\(Int32(firstBackend)))")
        let terminated = await eventually {
            (try? admin.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(Int32(firstBackend))")[0]
                .decode(Int.self, column: 0)) == 0
        }
        XCTAssertTrue(terminated)
        let secondBackend = try await pool.withConnection {
            try $0.query("SELECT pg_backend_pid()")[0].decode(Int.self, column: 0)
        }
        XCTAssertNotEqual(firstBackend, secondBackend)
        XCTAssertEqual(pool.statistics.openConnections, 1)
        await pool.shutdown()
    }

    func testWhileTheServerIsDownCallsFailFastAndThePoolRecoversByItself() async throws {
        let cluster = try TestCluster.makeSeparateCluster()
        let configuration = try cluster.start()
        let pool = PostgresPool(
            configuration: configuration, maximumConnections: 3, acquireTimeout: .seconds(30),
            retryInterval: .milliseconds(200))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask { _ = try await pool.withConnection { try $0.execute("SELECT pg_sleep(0.05)") } }
            }
            try await group.waitForAll()
        }
        XCTAssertEqual(pool.statistics.openConnections, 3)

        try cluster.stop()
        let outageStart = ContinuousClock.now
        let failures = await withTaskGroup(of: PostgresError.Kind?.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    do {
                        _ = try await pool.withConnection { try $0.query("SELECT 1") }
                        return nil
                    } catch {
                        return (error as? PostgresError)?.kind
                    }
                }
            }
            return await group.reduce(into: [PostgresError.Kind?]()) { $0.append($1) }
        }
        let outageDuration = ContinuousClock.now - outageStart
        let expectedKinds: Set<PostgresError.Kind> = [.connectionFailed, .connectionLost, .serverUnavailable]
        XCTAssertEqual(failures.count, 12)
        for kind in failures {
            XCTAssertTrue(kind.map(expectedKinds.contains) ?? false, "unexpected outcome \(String(describing: kind))")
        }
        XCTAssertTrue(failures.contains(.serverUnavailable), "later callers should not retry the connection")
        XCTAssertLessThan(outageDuration, .seconds(5), "failures must be fast, not hang")
        XCTAssertEqual(pool.statistics.inUse, 0)

        try cluster.start()
        let recovered = await eventually {
            (try? await pool.withConnection { try $0.query("SELECT 42")[0].decode(Int.self, column: 0) }) == 42
        }
        XCTAssertTrue(recovered)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { _ = try await pool.withConnection { try $0.execute("SELECT 1") } } }
            try await group.waitForAll()
        }
        await pool.shutdown()
        do {
            try await pool.withConnection { _ in }
            XCTFail("a shut-down pool must refuse work")
        } catch let error as PostgresError {
            XCTAssertEqual(error.kind, .closed)
        }
        try cluster.stop()
    }
}
