import Foundation
import Postgres
import XCTest

/// Query building and configuration parsing: no server needed.
final class PostgresQueryTests: XCTestCase {
    func testInterpolationsBecomeNumberedParameters() {
        let name = "Ada"
        let age: Int? = nil
        let query: PostgresQuery = "SELECT * FROM people WHERE name = \(name) AND (age = \(age) OR \(true))"
        XCTAssertEqual(query.sql, "SELECT * FROM people WHERE name = $1 AND (age = $2 OR $3)")
        XCTAssertEqual(query.parameterCount, 3)
        XCTAssertEqual(query.description, query.sql)
    }

    func testRawSQLNeedsTheExplicitSpellingAndIdentifiersAreQuoted() {
        let column = "created_at"
        let query: PostgresQuery = "SELECT \(unsafeSQL: column) FROM \(identifier: "odd \"name\"") WHERE id = \(7)"
        XCTAssertEqual(query.sql, #"SELECT created_at FROM "odd ""name""" WHERE id = $1"#)
        XCTAssertEqual(PostgresQuery(unsafeSQL: "SELECT 1").parameterCount, 0)
    }

    func testURIConfigurationOverTCP() throws {
        let configuration = try PostgresConfiguration(
            url: "postgresql://app:s%40cret@db.internal:6543/employees?application_name=api&connect_timeout=4&sslmode=disable")
        XCTAssertEqual(configuration.endpoint, .tcp(host: "db.internal", port: 6543))
        XCTAssertEqual(configuration.user, "app")
        XCTAssertEqual(configuration.password, "s@cret")
        XCTAssertEqual(configuration.database, "employees")
        XCTAssertEqual(configuration.applicationName, "api")
        XCTAssertEqual(configuration.connectTimeoutSeconds, 4)
        XCTAssertEqual(configuration.additionalParameters, ["sslmode": "disable"])
        XCTAssertFalse(configuration.description.contains("s@cret"))
        XCTAssertFalse(configuration.description.contains("cret"))
    }

    func testURIConfigurationOverAUnixSocket() throws {
        let viaQuery = try PostgresConfiguration(url: "postgres:///records?host=/run/pg&port=5433&user=svc")
        XCTAssertEqual(viaQuery.endpoint, .unixSocket(directory: "/run/pg", port: 5433))
        XCTAssertEqual(viaQuery.user, "svc")
        XCTAssertEqual(viaQuery.database, "records")
        let viaHost = try PostgresConfiguration(url: "postgresql://svc@%2Fvar%2Frun%2Fpostgresql/records")
        XCTAssertEqual(viaHost.endpoint, .unixSocket(directory: "/var/run/postgresql", port: 5432))
    }

    func testKeyValueConfigurationWithQuoting() throws {
        let configuration = try PostgresConfiguration(
            url: "host=/tmp/sock port=5544 user=admin dbname='my db' password='it\\'s a \\\\ secret'")
        XCTAssertEqual(configuration.endpoint, .unixSocket(directory: "/tmp/sock", port: 5544))
        XCTAssertEqual(configuration.database, "my db")
        XCTAssertEqual(configuration.password, #"it's a \ secret"#)
        XCTAssertFalse(configuration.description.contains("secret"))
        XCTAssertEqual(configuration.withDatabase("other").database, "other")
        XCTAssertEqual(configuration.withDatabase("other").password, configuration.password)
    }

    func testInvalidConfigurationIsTypedAndDoesNotEchoTheInput() {
        XCTAssertThrowsError(try PostgresConfiguration(url: "postgresql://u:topsecret@host:notaport/db")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .invalidConfiguration)
            XCTAssertFalse("\(error)".contains("topsecret"))
            XCTAssertFalse((error as? PostgresError)?.debugDescription.contains("topsecret") ?? true)
        }
        XCTAssertThrowsError(try PostgresConfiguration(url: "host=x password='unterminated")) { error in
            XCTAssertFalse((error as? PostgresError)?.debugDescription.contains("unterminated") ?? true)
        }
    }

    func testDatesAreValidatedAndOrdered() throws {
        XCTAssertNil(PostgresDate(year: 2023, month: 2, day: 29))
        XCTAssertNil(PostgresDate(year: 2024, month: 13, day: 1))
        XCTAssertNil(PostgresDate(year: 1900, month: 2, day: 29))
        let leapDay = try XCTUnwrap(PostgresDate(year: 2000, month: 2, day: 29))
        XCTAssertEqual(leapDay.description, "2000-02-29")
        XCTAssertLessThan(leapDay, try XCTUnwrap(PostgresDate(year: 2000, month: 3, day: 1)))
    }
}
