import Postgres
import Records
import XCTest

@testable import App

/// The `Consistency-Token` format, and which failures of a standby read are retried on the primary.
final class ConsistencyTokenTests: XCTestCase {
    func testTheTokenRoundTripsAndAnythingElseIsNotAToken() {
        let token = ConsistencyToken(WALPosition(lsn: "16/B374D848")!)
        XCTAssertEqual(token.headerValue, "w1.00000016b374d848")
        XCTAssertEqual(ConsistencyToken(header: token.headerValue), token)
        XCTAssertEqual(ConsistencyToken(header: "w1.FFFFFFFFFFFFFFFF")?.position, WALPosition(UInt64.max))
        for invalid in [
            "", "w1.", "w1.00000016b374d84", "w1.00000016b374d8480", "w2.00000016b374d848", "16/B374D848",
            "w1.00000016b374d84g", "w1.+0000016b374d848", " w1.00000016b374d848",
        ] {
            XCTAssertNil(ConsistencyToken(header: invalid), invalid)
        }
    }

    func testOnlyTheStandbysOwnFaultsAreRetriedOnThePrimary() async throws {
        let unreachable = PostgresPool(
            configuration: PostgresConfiguration(
                endpoint: .unixSocket(directory: "/nonexistent", port: 1), user: "x", database: "x"),
            maximumConnections: 1)
        do {
            try await unreachable.withConnection { _ in }
            XCTFail("connected to nothing")
        } catch {
            XCTAssertTrue(ReadRouting.isStandbyFault(error), "\(error)")
        }
        await unreachable.shutdown()
        XCTAssertFalse(ReadRouting.isStandbyFault(CancellationError()))
        XCTAssertFalse(ReadRouting.isStandbyFault(CommandError.notFound))
    }
}
