import Employees
import Foundation
import Postgres
import Security
import TestSupport
import XCTest

@testable import App

/// A running service on a real loopback port over a fresh migrated database, with helpers to make employees and
/// mint their tokens.
struct ServiceHarness {
    let service: EmployeeService
    let client: HTTPTestClient
    let database: PostgresConfiguration
    let databaseURL: String
    private let readURLs: [String]

    /// A service on the shared test cluster, or on `cluster` (for tests that stop and start PostgreSQL).
    /// - Parameters:
    ///   - environment: what the service reads from its environment (e.g. `EMPLOYEES_JWT_HS256_SECRET`).
    ///   - standbys: streaming standbys of `cluster` to read from (`--read-database-url`).
    static func start(
        cluster: EmbeddedPostgres? = nil, environment: [String: String] = [:], standbys: [EmbeddedPostgres] = []
    ) async throws -> ServiceHarness {
        let cluster = try cluster ?? TestCluster.shared()
        let database = try cluster.createDatabase("api_\(UInt32.random(in: 0...UInt32.max))")
        func url(_ server: EmbeddedPostgres) -> String {
            "host=\(server.socketDirectory) port=\(server.settings.port) user=postgres dbname=\(database.database)"
        }
        return try await start(database: database, url: url(cluster), readURLs: standbys.map(url), environment: environment)
    }

    /// Another instance of the service on the same database, as behind a load balancer (give both the same
    /// `EMPLOYEES_JWT_HS256_SECRET` so each accepts the other's tokens).
    func startAnotherInstance(environment: [String: String]) async throws -> ServiceHarness {
        try await Self.start(database: database, url: databaseURL, readURLs: readURLs, environment: environment)
    }

    private static func start(database: PostgresConfiguration, url: String, readURLs: [String], environment: [String: String])
        async throws -> ServiceHarness
    {
        let dataDirectory = try TestCluster.makeTemporaryFolder()
        let service = try await EmployeeService.start(
            ServiceConfiguration(
                dataDirectory: dataDirectory, databaseURL: url, host: "127.0.0.1", port: 0, readDatabaseURLs: readURLs),
            environment: environment, log: { _ in })
        return ServiceHarness(
            service: service, client: HTTPTestClient(port: service.addresses[0].port), database: database, databaseURL: url,
            readURLs: readURLs)
    }

    func stop() async {
        await service.shutdown()
    }

    static let defaultFields = EmployeeFields(
        firstName: "Georgi", lastName: "Facello", birthDate: "1953-09-02", gender: "M", hireDate: "1986-06-26")

    /// Creates an employee as the system with these scopes granted, and returns its number.
    @discardableResult
    func makeEmployee(
        email: String, scopes: [Scope] = [], fields: EmployeeFields = defaultFields, passwordHash: String? = nil
    ) async throws -> Int {
        var fields = fields
        fields.email = email
        let outcome = try await service.context.commands.create(fields, passwordHash: passwordHash, by: .system())
        for scope in scopes {
            _ = try await service.context.commands.execute(.grantScope(scope.rawValue), on: outcome.empNo, by: .system())
        }
        try await waitForPrincipal(Int64(outcome.empNo.value), scopes: ScopeSet(scopes))
        return outcome.empNo.value
    }

    /// Waits until the principal feed has seen the employee's current scopes (it follows the log asynchronously).
    func waitForPrincipal(_ empNo: Int64, scopes: ScopeSet) async throws {
        let table = service.context.principals
        let seen = await eventually(timeout: .seconds(5)) { table.snapshot(empNo: empNo)?.scopes == scopes }
        XCTAssertTrue(seen, "the principal table never saw employee \(empNo) with \(scopes)")
    }

    func token(for empNo: Int, scopes: [Scope]) throws -> String {
        try service.issuerService.issue(empNo: Int64(empNo), clientID: "tests", scopes: ScopeSet(scopes)).token
    }
}
