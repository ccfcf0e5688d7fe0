import Foundation
import Postgres
import TestSupport
import XCTest

/// A real primary and a real streaming standby made by `EmbeddedStandby` (clusters of their own: the standby is stopped
/// and delayed).
final class StandbySetTests: XCTestCase {
    func testWALPositionParsesComparesAndKnowsThePageHeaderCase() {
        XCTAssertEqual(WALPosition(lsn: "16/B374D848")?.value, 0x16_B374_D848)
        XCTAssertEqual(WALPosition(lsn: "16/B374D848")?.description, "16/B374D848")
        XCTAssertEqual(WALPosition(lsn: "0/0"), WALPosition(0))
        for invalid in ["", "16", "/1", "1/", "1/2/3", "G/0", "123456789/0", "-1/0", "1 /0"] {
            XCTAssertNil(WALPosition(lsn: invalid), invalid)
        }
        XCTAssertLessThan(WALPosition(lsn: "0/FFFFFFFF")!, WALPosition(lsn: "1/0")!)

        let boundary = WALPosition(3 * 8192)
        XCTAssertTrue(WALPosition(3 * 8192 + 24).isReached(byReplayOf: boundary, pageSize: 8192), "a short page header past it")
        XCTAssertTrue(WALPosition(3 * 8192 + 40).isReached(byReplayOf: boundary, pageSize: 8192), "a long page header past it")
        XCTAssertFalse(WALPosition(3 * 8192 + 48).isReached(byReplayOf: boundary, pageSize: 8192), "a record past it")
        XCTAssertFalse(WALPosition(3 * 8192 + 24).isReached(byReplayOf: WALPosition(3 * 8192 - 8), pageSize: 8192))
        XCTAssertTrue(WALPosition(100).isReached(byReplayOf: WALPosition(100), pageSize: 8192))
    }

    func testStandbyTakesReadsWaitsForAPositionLeavesWhenStoppedAndComesBack() async throws {
        let primary = try TestCluster.makeSeparateCluster()
        try primary.start()
        let standby = try TestCluster.makeStandby(of: primary)
        let primaryPool = PostgresPool(configuration: primary.configuration, maximumConnections: 2)
        let positions = WALInsertPosition(pool: primaryPool)
        let set = StandbySet(
            standbys: [standby.configuration], primaryPosition: positions, options: StandbySet.Options(connectionsPerStandby: 2))
        set.start()
        let inRotation = await eventually(timeout: .seconds(10)) { set.statuses[0].state == .inRotation }
        XCTAssertTrue(inRotation, "\(set.statuses[0].state)")

        let standbyConnection = try PostgresConnection.connect(to: standby.configuration)
        XCTAssertEqual(try standbyConnection.query("SELECT pg_is_in_recovery()").first?.decode(Bool.self, column: 0), true)
        try standbyConnection.execute("ALTER SYSTEM SET recovery_min_apply_delay = '300ms'")
        try standbyConnection.execute("SELECT pg_reload_conf()")
        try await primaryPool.withConnection { connection in
            try connection.execute("CREATE TABLE marker (value int)")
            try connection.execute("INSERT INTO marker VALUES (7)")
        }
        let written = try await positions.current()
        let notYet = await set.standby(replayedAtLeast: written, waitingAtMost: .zero)
        XCTAssertNil(notYet, "under a 300 ms apply delay the standby cannot have replayed the insert already")
        let started = ContinuousClock.now
        let chosen = await set.standby(replayedAtLeast: written, waitingAtMost: .seconds(3))
        XCTAssertEqual(chosen, 0)
        XCTAssertGreaterThan(ContinuousClock.now - started, .milliseconds(100), "it waited for the replay")
        let value = try await set.pools[0].withConnection {
            try $0.query("SELECT value FROM marker").first?.decode(Int.self, column: 0)
        }
        XCTAssertEqual(value, 7, "what the position promised is there")
        let anyStandby = await set.standby(replayedAtLeast: nil, waitingAtMost: .zero)
        XCTAssertEqual(anyStandby, 0)

        try standby.stop(immediately: true)
        let stopped = ContinuousClock.now
        let out = await eventually(timeout: .seconds(1), pollingEvery: .milliseconds(10)) { set.statuses[0].state != .inRotation }
        XCTAssertTrue(out, "out of rotation within a second (\(ContinuousClock.now - stopped))")
        let whileDown = await set.standby(replayedAtLeast: nil, waitingAtMost: .zero)
        XCTAssertNil(whileDown)

        try standby.start()
        let restarted = ContinuousClock.now
        let back = await eventually(timeout: .seconds(2), pollingEvery: .milliseconds(10)) {
            set.statuses[0].state == .inRotation
        }
        XCTAssertTrue(back, "back in rotation within 2 s (\(ContinuousClock.now - restarted), \(set.statuses[0].state))")

        try standbyConnectionAfterRestart(standby).execute("ALTER SYSTEM SET recovery_min_apply_delay = '3s'")
        try standbyConnectionAfterRestart(standby).execute("SELECT pg_reload_conf()")
        let lagBound = StandbySet(
            standbys: [standby.configuration], primaryPosition: positions,
            options: StandbySet.Options(maximumLag: .milliseconds(500), connectionsPerStandby: 1))
        lagBound.start()
        try await primaryPool.withConnection { try $0.execute("INSERT INTO marker VALUES (8)") }
        let lagging = await eventually(timeout: .seconds(3), pollingEvery: .milliseconds(20)) {
            lagBound.statuses[0].state == .lagging
        }
        XCTAssertTrue(lagging, "more than 500 ms behind is out of rotation (\(lagBound.statuses[0]))")
        let caughtUp = await eventually(timeout: .seconds(6), pollingEvery: .milliseconds(20)) {
            lagBound.statuses[0].state == .inRotation
        }
        XCTAssertTrue(caughtUp, "back once the delayed commit is replayed")

        await lagBound.shutdown()
        await set.shutdown()
        await primaryPool.shutdown()
    }

    private func standbyConnectionAfterRestart(_ standby: EmbeddedPostgres) throws -> PostgresConnection {
        try PostgresConnection.connect(to: standby.configuration)
    }
}
