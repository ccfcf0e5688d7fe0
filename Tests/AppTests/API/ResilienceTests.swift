import Employees
import EventStore
import Foundation
import Glibc
import Postgres
import Security
import TestSupport
import XCTest

@testable import App
@testable import EmployeesCLI
@testable import Records

/// Failures from outside: the database going away under load, and the service killed mid-write.
final class ResilienceTests: XCTestCase {
    /// While PostgreSQL is down, requests are answered 503 with Retry-After (no hang, no crash); after it is back,
    /// the service serves again within 2 s, without a restart.
    func testDatabaseOutageUnderLoadAnswers503AndRecoversByItself() async throws {
        let cluster = try TestCluster.makeSeparateCluster()
        try cluster.start()
        let harness = try await ServiceHarness.start(cluster: cluster)
        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminRead, .adminWrite])
        let token = try harness.token(for: admin, scopes: [.adminRead, .adminWrite])
        let client = harness.client

        let load = Task {
            var statuses: [Int: Int] = [:]
            var slowest: Duration = .zero
            while !Task.isCancelled {
                let started = ContinuousClock.now
                let response = try? await client.json("PATCH", "/employees/\(admin)", token: token, body: ["first_name": "Load"])
                slowest = max(slowest, ContinuousClock.now - started)
                statuses[response?.status ?? -1, default: 0] += 1
            }
            return (statuses, slowest)
        }
        try await Task.sleep(for: .milliseconds(300))
        try cluster.stop()
        let duringOutage = try await client.json("GET", "/employees/\(admin)", token: token)
        XCTAssertEqual(duringOutage.status, 503, duringOutage.text)
        XCTAssertEqual(duringOutage.header("Retry-After"), "1")
        XCTAssertEqual(duringOutage.header("Content-Type"), "application/problem+json")
        try await Task.sleep(for: .milliseconds(500))

        try cluster.start()
        let back = ContinuousClock.now
        let recovered = await eventually(timeout: .seconds(2), pollingEvery: .milliseconds(50)) {
            (try? await client.json("GET", "/employees/\(admin)", token: token).status) == 200
        }
        XCTAssertTrue(recovered, "serving again within 2 s of PostgreSQL's return (waited \(ContinuousClock.now - back))")
        load.cancel()
        let (statuses, slowest) = await load.value
        XCTAssertNil(statuses[500], "no 5xx but 503: \(statuses)")
        XCTAssertNil(statuses[-1], "every request was answered: \(statuses)")
        XCTAssertGreaterThan(statuses[503] ?? 0, 0, "\(statuses)")
        XCTAssertLessThan(slowest, .seconds(10), "no request hung during the outage")
        await harness.stop()
        try cluster.stop()
    }

    /// `kill -9` of the real server during a 64-connection write load: after a restart, every command that got a
    /// 2xx is in the log, the projections equal a rebuild, and the chain verifies.
    func testKillDashNineDuringWritesLosesNoAcknowledgedCommand() async throws {
        let binary = try Self.serverBinary()
        let dataDirectory = try TestCluster.makeTemporaryFolder()
        chmod(dataDirectory, 0o755)
        let configuration = ServiceConfiguration(dataDirectory: dataDirectory, databaseURL: nil)
        let admin = try await Self.bootstrapAdmin(configuration)
        let keys = try JWTKeySet.loadOrCreateEd25519(directory: dataDirectory + "/keys")
        let token = try AccessTokenIssuer(keys: keys, issuer: EmployeeService.issuer, audience: EmployeeService.audience)
            .issue(empNo: Int64(admin), clientID: "tests", scopes: [.adminWrite, .adminRead]).token
        let port = Int.random(in: 20_000...40_000)

        let server = try Self.launch(binary, dataDirectory: dataDirectory, port: port)
        let client = HTTPTestClient(port: port)
        let up = await eventually(timeout: .seconds(30)) { (try? await client.send("GET", "/healthz").status) == 200 }
        XCTAssertTrue(up, "the server started")

        let acknowledged = Locked<[(empNo: Int, version: Int)]>([])
        let writers = (0..<64).map { writer in
            Task {
                var index = 0
                while !Task.isCancelled {
                    index += 1
                    let body: [String: Any] = [
                        "first_name": "W\(writer)", "last_name": "N\(index)", "birth_date": "1970-01-0\(1 + index % 9)",
                        "gender": "F", "hire_date": "1999-01-01", "email": "w\(writer).n\(index)@example.com",
                    ]
                    guard let response = try? await client.json("POST", "/employees", token: token, body: body) else { break }
                    if response.status == 201, let empNo = response.json["emp_no"] as? Int {
                        acknowledged.withLock { $0.append((empNo, 1)) }
                    }
                }
            }
        }
        try await Task.sleep(for: .seconds(2))
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        for writer in writers { writer.cancel() }
        for writer in writers { _ = await writer.value }
        let created = acknowledged.withLock { $0 }
        XCTAssertGreaterThan(created.count, 10, "the load got some commands through before the kill")

        let database = try DatabaseRuntime.open(configuration, log: { _ in })
        let pool = PostgresPool(configuration: database.application, maximumConnections: 2)
        let stored = try await pool.withConnection { connection in
            Set(try connection.query("SELECT emp_no FROM employees").map { try $0.decode(Int.self, column: 0) })
        }
        let lost = created.filter { !stored.contains($0.empNo) }
        XCTAssertTrue(lost.isEmpty, "acknowledged but missing after the crash: \(lost.prefix(5))")
        let before = try await Self.projectionRows(pool)
        try await ProjectionRebuild(pool: pool, projections: [EmployeeProjection()]).run()
        let after = try await Self.projectionRows(pool)
        XCTAssertEqual(before, after, "projections equal a rebuild from the log")
        let report = try await ChainVerifier(pool: pool).verify()
        XCTAssertTrue(report.isIntact, "\(String(describing: report.firstBrokenLink))")

        let restarted = try Self.launch(binary, dataDirectory: dataDirectory, port: port)
        let again = await eventually(timeout: .seconds(30)) {
            (try? await client.json("GET", "/employees/\(created[0].empNo)", token: token).status) == 200
        }
        XCTAssertTrue(again, "the restarted server serves what was acknowledged")
        kill(restarted.processIdentifier, SIGTERM)
        restarted.waitUntilExit()
        XCTAssertEqual(restarted.terminationStatus, 0, "graceful shutdown on SIGTERM exits 0")
        await pool.shutdown()
        try database.embedded?.stop()
    }

    static func projectionRows(_ pool: PostgresPool) async throws -> [String] {
        try await pool.withConnection { connection in
            try connection.query("SELECT row_to_json(e)::text FROM employees e ORDER BY emp_no").map {
                try $0.decode(String.self, column: 0)
            }
                + connection.query("SELECT row_to_json(s)::text FROM employee_scopes s ORDER BY emp_no, scope").map {
                    try $0.decode(String.self, column: 0)
                }
        }
    }

    /// Creates an administrator in the data folder's database before the server runs.
    static func bootstrapAdmin(_ configuration: ServiceConfiguration) async throws -> Int {
        let database = try DatabaseRuntime.open(configuration, log: { _ in })
        let services = CommandLineServices(database: database)
        let commands = EmployeeCommandService(
            pool: services.pool, appender: services.appender, today: { CalendarDate.todayUTC() })
        let fields = ServiceHarness.defaultFields
        var withEmail = fields
        withEmail.email = "root@example.com"
        let outcome = try await commands.create(withEmail, passwordHash: nil, by: .system())
        for scope in [Scope.adminRead, .adminWrite] {
            _ = try await commands.execute(.grantScope(scope.rawValue), on: outcome.empNo, by: .system())
        }
        await services.pool.shutdown()
        return outcome.empNo.value
    }

    static func serverBinary() throws -> URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("employees")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        throw XCTSkip("the employees binary is not built next to the tests (run `swift build --build-tests`)")
    }

    static func launch(_ binary: URL, dataDirectory: String, port: Int) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--data-dir", dataDirectory, "--port", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
