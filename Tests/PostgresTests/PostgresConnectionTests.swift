import Foundation
import Postgres
import TestSupport
import XCTest

final class PostgresConnectionTests: XCTestCase {
    private var connection: PostgresConnection!

    override func setUpWithError() throws {
        connection = try PostgresConnection.connect(to: TestCluster.makeDatabase(prefix: "connection"))
    }

    override func tearDown() {
        connection = nil
    }

    func testEveryTypeRoundTripsThroughBindParameters() throws {
        let instant = Date(timeIntervalSince1970: 1_700_000_000.123456)
        let birthday = try XCTUnwrap(PostgresDate(year: 1987, month: 2, day: 28))
        let identifier = UUID()
        let bytes: [UInt8] = [0, 1, 2, 0, 255]
        let json = PostgresJSON(text: #"{"a": [1, 2], "b": "x"}"#)
        let row = try connection.query(
            """
            SELECT \(Int(-9_000_000_000_000))::int8, \(Int32(-7))::int4, \(Int64.max)::int8, 'é ünïcode ✓'::text,
                   \(true)::bool, \(1.5e-7)::float8, \(instant)::timestamptz, \(birthday)::date,
                   \(identifier)::uuid, \(bytes)::bytea, \(json)::jsonb, \(["a", "b,c", "\"q\""])::text[],
                   \([1, 2, 3])::int8[], 12.3400::numeric, -0.000012::numeric, 100000::numeric,
                   7::int2, 'abc'::varchar(10), \(""), \(PostgresDate(year: 1899, month: 12, day: 31))::date
            """)[0]
        XCTAssertEqual(try row.decode(Int.self, column: 0), -9_000_000_000_000)
        XCTAssertEqual(try row.decode(Int32.self, column: 1), -7)
        XCTAssertEqual(try row.decode(Int64.self, column: 2), .max)
        XCTAssertEqual(try row.decode(String.self, column: 3), "é ünïcode ✓")
        XCTAssertEqual(try row.decode(Bool.self, column: 4), true)
        XCTAssertEqual(try row.decode(Double.self, column: 5), 1.5e-7)
        XCTAssertEqual(
            try row.decode(Date.self, column: 6).timeIntervalSince1970, instant.timeIntervalSince1970, accuracy: 1e-6)
        XCTAssertEqual(try row.decode(PostgresDate.self, column: 7), birthday)
        XCTAssertEqual(try row.decode(UUID.self, column: 8), identifier)
        XCTAssertEqual(try row.decode([UInt8].self, column: 9), bytes)
        let decodedJSON = try row.decode(PostgresJSON.self, column: 10)
        XCTAssertEqual(
            try JSONSerialization.jsonObject(with: Data(decodedJSON.text.utf8)) as? NSDictionary,
            ["a": [1, 2], "b": "x"] as NSDictionary)
        XCTAssertEqual(try row.decode([String].self, column: 11), ["a", "b,c", "\"q\""])
        XCTAssertEqual(try row.decode([Int].self, column: 12), [1, 2, 3])
        XCTAssertEqual(try row.decode(String.self, column: 13), "12.3400")
        XCTAssertEqual(try row.decode(String.self, column: 14), "-0.000012")
        XCTAssertEqual(try row.decode(String.self, column: 15), "100000")
        XCTAssertEqual(try row.decode(Int.self, column: 16), 7)
        XCTAssertEqual(try row.decode(String.self, column: 17), "abc")
        XCTAssertEqual(try row.decode(String.self, column: 18), "")
        XCTAssertEqual(try row.decode(PostgresDate.self, column: 19), PostgresDate(year: 1899, month: 12, day: 31))
    }

    func testServerRendersBoundValuesAsExpected() throws {
        let instant = Date(timeIntervalSince1970: 946_684_800 + 86_400 + 0.5)
        let row = try connection.query(
            """
            SELECT to_char(\(instant) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),
                   \(PostgresDate(year: 2024, month: 2, day: 29))::text,
                   \(UUID(uuidString: "6BA7B810-9DAD-11D1-80B4-00C04FD430C8"))::text,
                   encode(\([UInt8]([0xDE, 0xAD])), 'hex'), \(PostgresJSON(text: #"{"k":1}"#)) ->> 'k'
            """)[0]
        XCTAssertEqual(try row.decode(String.self, column: 0), "2000-01-02 00:00:00.500000")
        XCTAssertEqual(try row.decode(String.self, column: 1), "2024-02-29")
        XCTAssertEqual(try row.decode(String.self, column: 2), "6ba7b810-9dad-11d1-80b4-00c04fd430c8")
        XCTAssertEqual(try row.decode(String.self, column: 3), "dead")
        XCTAssertEqual(try row.decode(String.self, column: 4), "1")
    }

    func testNullsDecodeAsNilAndOptionalsBindNull() throws {
        let missingText: String? = nil
        let missingNumber: Int? = nil
        let row = try connection.query(
            """
            SELECT \(missingText), \(missingNumber), \(missingText) IS NULL, NULL::uuid, NULL::bytea, NULL::timestamptz,
                   NULL::date, NULL::jsonb, NULL::bool, NULL::float8, \(Optional(5)), ARRAY['x', NULL]::text[]
            """)[0]
        XCTAssertNil(try row.decode(String?.self, column: 0))
        XCTAssertNil(try row.decode(Int?.self, column: 1))
        XCTAssertEqual(try row.decode(Bool.self, column: 2), true)
        XCTAssertNil(try row.decode(UUID?.self, column: 3))
        XCTAssertNil(try row.decode([UInt8]?.self, column: 4))
        XCTAssertNil(try row.decode(Date?.self, column: 5))
        XCTAssertNil(try row.decode(PostgresDate?.self, column: 6))
        XCTAssertNil(try row.decode(PostgresJSON?.self, column: 7))
        XCTAssertNil(try row.decode(Bool?.self, column: 8))
        XCTAssertNil(try row.decode(Double?.self, column: 9))
        XCTAssertEqual(try row.decode(Int?.self, column: 10), 5)
        XCTAssertEqual(try row.decode([String?].self, column: 11), ["x", nil])
        XCTAssertThrowsError(try row.decode(String.self, column: 0)) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .decoding)
        }
    }

    func testDecodingErrorsAreTypedAndNameTheColumn() throws {
        let row = try connection.query("SELECT 'text'::text AS label, 70000::int4 AS big")[0]
        XCTAssertThrowsError(try row.decode(Int.self, column: "label")) { error in
            let error = error as? PostgresError
            XCTAssertEqual(error?.kind, .decoding)
            XCTAssertEqual(error?.column, "label")
            XCTAssertTrue(error?.description.contains("label") ?? false)
        }
        XCTAssertThrowsError(try row.decode(Int16.self, column: "big")) { error in
            XCTAssertEqual((error as? PostgresError)?.column, "big")
        }
        XCTAssertThrowsError(try row.decode(Int.self, column: "absent")) { error in
            XCTAssertEqual((error as? PostgresError)?.column, "absent")
        }
        XCTAssertEqual(try row.decode(Int.self, column: "big"), 70000)
    }

    func testInterpolatedInputStaysDataEvenWhenItLooksLikeSQL() throws {
        try connection.execute("CREATE TABLE people (name text NOT NULL)")
        let hostile = "x'); DROP TABLE people; --"
        let query: PostgresQuery = "INSERT INTO people (name) VALUES (\(hostile))"
        XCTAssertEqual(query.sql, "INSERT INTO people (name) VALUES ($1)")
        XCTAssertFalse(query.description.contains("DROP"))
        XCTAssertEqual(try connection.execute(query), 1)
        let names = try connection.query("SELECT name FROM people").map { try $0.decode(String.self, column: 0) }
        XCTAssertEqual(names, [hostile])
        let quote = "O'Brien"
        XCTAssertEqual(try connection.query("SELECT \(quote) = 'O''Brien'")[0].decode(Bool.self, column: 0), true)
    }

    func testExecuteReportsAffectedRows() throws {
        try connection.execute("CREATE TABLE counters (id int PRIMARY KEY, value int NOT NULL)")
        XCTAssertEqual(try connection.execute("INSERT INTO counters SELECT g, 0 FROM generate_series(1, 5) g"), 5)
        XCTAssertEqual(try connection.execute("UPDATE counters SET value = 1 WHERE id > \(2)"), 3)
        XCTAssertEqual(try connection.execute("DELETE FROM counters WHERE id = \(99)"), 0)
    }

    func testTransactionRollsBackOnThrownErrorAndCommitsOnReturn() throws {
        struct Abort: Error {}
        try connection.execute("CREATE TABLE ledger (entry text)")
        XCTAssertThrowsError(
            try connection.withTransaction {
                try connection.execute("INSERT INTO ledger VALUES ('rolled back')")
                throw Abort()
            }
        ) { XCTAssertTrue($0 is Abort) }
        try connection.withTransaction { try connection.execute("INSERT INTO ledger VALUES ('kept')") }
        let entries = try connection.query("SELECT entry FROM ledger").map { try $0.decode(String.self, column: 0) }
        XCTAssertEqual(entries, ["kept"])
    }

    func testCommitOfAnAbortedTransactionIsAnError() throws {
        XCTAssertThrowsError(
            try connection.withTransaction {
                _ = try? connection.execute("SELECT 1 / 0")
            }
        ) { XCTAssertEqual(($0 as? PostgresError)?.code?.rawValue, "25P02") }
        XCTAssertEqual(try connection.query("SELECT 1")[0].decode(Int.self, column: 0), 1)
    }

    func testSavepointIsolatesAFailingCommandInsideOneTransaction() throws {
        try connection.execute("CREATE TABLE items (id int PRIMARY KEY)")
        try connection.withTransaction {
            try connection.execute("INSERT INTO items VALUES (1)")
            XCTAssertThrowsError(
                try connection.withSavepoint {
                    try connection.execute("INSERT INTO items VALUES (2)")
                    try connection.execute("INSERT INTO items VALUES (1)")
                })
            try connection.withSavepoint {
                try connection.execute("INSERT INTO items VALUES (3)")
                try connection.withSavepoint { try connection.execute("INSERT INTO items VALUES (4)") }
            }
        }
        let ids = try connection.query("SELECT id FROM items ORDER BY id").map { try $0.decode(Int.self, column: 0) }
        XCTAssertEqual(ids, [1, 3, 4])
    }

    func testUniqueViolationIsTypedAndCarriesConstraintWithoutLeakingValues() throws {
        try connection.execute(
            "CREATE TABLE accounts (email text NOT NULL, CONSTRAINT accounts_email_key UNIQUE (email))")
        let email = "secret.person@example.com"
        try connection.execute("INSERT INTO accounts VALUES (\(email))")
        XCTAssertThrowsError(try connection.execute("INSERT INTO accounts VALUES (\(email))")) { error in
            guard let error = error as? PostgresError else { return XCTFail("untyped error \(error)") }
            XCTAssertEqual(error.kind, .server)
            XCTAssertEqual(error.code, .uniqueViolation)
            XCTAssertEqual(error.constraint, "accounts_email_key")
            XCTAssertEqual(error.table, "accounts")
            XCTAssertTrue(error.detail?.contains(email) ?? false, "the server's detail quotes the row")
            XCTAssertFalse(error.description.contains(email))
            XCTAssertFalse(error.debugDescription.contains(email))
            XCTAssertFalse(String(describing: error).contains(email))
        }
    }

    func testServerErrorCodesAreTyped() throws {
        try connection.execute("CREATE TABLE checked (n int CHECK (n > 0))")
        XCTAssertThrowsError(try connection.execute("INSERT INTO checked VALUES (\(Int32(-1)))")) {
            XCTAssertEqual(($0 as? PostgresError)?.code, .checkViolation)
        }
        XCTAssertThrowsError(try connection.execute("DO $$ BEGIN RAISE EXCEPTION 'nope'; END $$")) {
            XCTAssertEqual(($0 as? PostgresError)?.code, .raiseException)
        }
        XCTAssertThrowsError(try connection.query("SELEC 1")) {
            XCTAssertEqual(($0 as? PostgresError)?.code, .syntaxError)
        }
        XCTAssertEqual(try connection.query("SELECT 2")[0].decode(Int.self, column: 0), 2)
    }

    func testPreparedStatementIsCreatedOnceAndReused() throws {
        let before = connection.preparedStatementCount
        for value in 0..<5 {
            XCTAssertEqual(try connection.query("SELECT \(value) + 1")[0].decode(Int.self, column: 0), value + 1)
        }
        XCTAssertEqual(connection.preparedStatementCount, before + 1)
        let serverSide = try connection.query(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = \("SELECT $1 + 1")")
        XCTAssertEqual(try serverSide[0].decode(Int.self, column: 0), 1)
        let afterCheck = connection.preparedStatementCount
        _ = try connection.query("SELECT \(1) + 2")
        XCTAssertEqual(connection.preparedStatementCount, afterCheck + 1)
    }

    func testAStatementPlannedAtEachExecutionIsNeverPrepared() throws {
        let before = connection.preparedStatementCount
        for pattern in ["%", "%nas%", "x%"] {
            var query: PostgresQuery = "SELECT \(pattern) || '!', \(Int32(7)) * 6, \(Optional<String>.none) IS NULL"
            query.plansEachExecution = true
            let row = try connection.query(query)[0]
            XCTAssertEqual(try row.decode(String.self, column: 0), pattern + "!")
            XCTAssertEqual(try row.decode(Int32.self, column: 1), 42)
            XCTAssertEqual(try row.decode(Bool.self, column: 2), true)
        }
        XCTAssertEqual(connection.preparedStatementCount, before)
        let serverSide = try connection.query("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%|| ''!''%'")
        XCTAssertEqual(try serverSide[0].decode(Int.self, column: 0), 0)
    }

    func testSchemaChangeUnderACachedStatementRecovers() throws {
        try connection.execute("CREATE TABLE shapes (a int)")
        _ = try connection.query("SELECT * FROM shapes")
        try connection.execute("ALTER TABLE shapes ADD COLUMN b text")
        XCTAssertThrowsError(try connection.query("SELECT * FROM shapes"))
        XCTAssertEqual(try connection.query("SELECT * FROM shapes").columnNames, ["a", "b"])
    }

    func testNoticesReachTheHandler() throws {
        let notices = Locked<[String]>([])
        let configuration = try TestCluster.makeDatabase(prefix: "notices")
        let noisy = try PostgresConnection.connect(to: configuration) { notice in notices.withLock { $0.append(notice) } }
        try noisy.execute("DO $$ BEGIN RAISE NOTICE 'hello from plpgsql'; END $$")
        XCTAssertTrue(notices.value.contains { $0.contains("hello from plpgsql") })
    }

    func testConnectionFailureIsTypedAndHidesThePassword() throws {
        let configuration = PostgresConfiguration(
            endpoint: .unixSocket(directory: "/nonexistent-socket-dir", port: 5432), user: "nobody", database: "none",
            password: "hunter2")
        XCTAssertThrowsError(try PostgresConnection.connect(to: configuration)) { error in
            let error = error as? PostgresError
            XCTAssertEqual(error?.kind, .connectionFailed)
            XCTAssertFalse(error?.debugDescription.contains("hunter2") ?? true)
        }
    }
}
