import Foundation
import Postgres
import TestSupport
import XCTest

final class MigratorTests: XCTestCase {
    private var configuration: PostgresConfiguration!
    private var folder: String!

    override func setUpWithError() throws {
        configuration = try TestCluster.makeDatabase(prefix: "migrations")
        folder = try TestCluster.makeTemporaryFolder()
        try write("000_empty.sql", "")
        try write("001_people.sql", "CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL);")
        try write("002_seed.sql", "INSERT INTO people VALUES (1, 'Ada');\nINSERT INTO people VALUES (2, 'Grace');")
        try write("010_more.sql", "ALTER TABLE people ADD COLUMN email text;")
        try write("README.md", "not a migration")
    }

    func testAppliesInNameOrderOnceAndRecordsChecksums() throws {
        let connection = try PostgresConnection.connect(to: configuration)
        let migrator = Migrator(folder: folder)
        XCTAssertEqual(try migrator.pendingMigrations(on: connection).count, 4)
        XCTAssertFalse(migrator.isFullyApplied(on: connection))

        XCTAssertEqual(
            try migrator.migrate(on: connection), ["000_empty.sql", "001_people.sql", "002_seed.sql", "010_more.sql"])
        XCTAssertEqual(try connection.query("SELECT count(*) FROM people WHERE email IS NULL")[0].decode(Int.self, column: 0), 2)
        let recorded = try connection.query("SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name")
        XCTAssertEqual(recorded.count, 4)
        XCTAssertEqual(try recorded[0].decode(String.self, column: 1), emptySHA256)
        XCTAssertLessThan(abs(try recorded[0].decode(Date.self, column: 2).timeIntervalSinceNow), 60)

        XCTAssertEqual(try migrator.migrate(on: connection), [], "re-running applies nothing")
        let restarted = try PostgresConnection.connect(to: configuration)
        XCTAssertEqual(try Migrator(folder: folder).migrate(on: restarted), [], "a new process applies nothing either")
        XCTAssertEqual(try migrator.pendingMigrations(on: restarted), [])
        XCTAssertTrue(migrator.isFullyApplied(on: restarted))

        try write("011_index.sql", "CREATE INDEX people_name ON people (name);")
        XCTAssertEqual(try migrator.pendingMigrations(on: restarted), ["011_index.sql"])
        XCTAssertEqual(try migrator.migrate(on: restarted), ["011_index.sql"])
    }

    func testAnEditedAppliedFileIsRefusedByName() throws {
        let connection = try PostgresConnection.connect(to: configuration)
        let migrator = Migrator(folder: folder)
        try migrator.migrate(on: connection)
        try write("001_people.sql", "CREATE TABLE people (id bigint PRIMARY KEY, name text NOT NULL);")
        XCTAssertThrowsError(try migrator.migrate(on: connection)) { error in
            let error = error as? MigrationError
            XCTAssertEqual(error?.kind, .checksumMismatch)
            XCTAssertEqual(error?.file, "001_people.sql")
            XCTAssertTrue(error?.description.contains("001_people.sql") ?? false)
        }
        XCTAssertThrowsError(try migrator.pendingMigrations(on: connection))
        XCTAssertFalse(migrator.isFullyApplied(on: connection))
    }

    func testAFailingMigrationRollsBackAndIsNamed() throws {
        try write("005_broken.sql", "CREATE TABLE half_done (id int);\nSELECT 1 / 0;")
        let connection = try PostgresConnection.connect(to: configuration)
        let migrator = Migrator(folder: folder)
        XCTAssertThrowsError(try migrator.migrate(on: connection)) { error in
            let error = error as? MigrationError
            XCTAssertEqual(error?.kind, .failed)
            XCTAssertEqual(error?.file, "005_broken.sql")
            XCTAssertEqual(error?.underlying?.code?.rawValue, "22012")
        }
        XCTAssertEqual(
            try connection.query("SELECT to_regclass('half_done') IS NULL")[0].decode(Bool.self, column: 0), true)
        XCTAssertEqual(try migrator.pendingMigrations(on: connection), ["005_broken.sql", "010_more.sql"])
    }

    func testTwoMigratorsRacingApplyEachFileOnce() async throws {
        let pool = PostgresPool(configuration: configuration, maximumConnections: 2)
        let migrator = Migrator(folder: folder)
        let applied = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<2 { group.addTask { try await pool.withConnection { try migrator.migrate(on: $0) } } }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        XCTAssertEqual(applied.sorted(), ["000_empty.sql", "001_people.sql", "002_seed.sql", "010_more.sql"])
        let rows = try await pool.withConnection { try $0.query("SELECT count(*) FROM people")[0].decode(Int.self, column: 0) }
        XCTAssertEqual(rows, 2)
        await pool.shutdown()
    }

    private let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    private func write(_ name: String, _ content: String) throws {
        try content.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
    }
}
