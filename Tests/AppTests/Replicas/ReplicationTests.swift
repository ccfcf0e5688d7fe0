import Foundation
import Glibc
import Postgres
import Security
import TestSupport
import XCTest

@testable import App
@testable import Console

/// Many instances on one primary and a real streaming standby (`EmbeddedStandby`, `pg_basebackup -R`), on clusters of
/// their own: the tests delay and stop the standby.
final class ReplicationTests: XCTestCase {
    private static let secret = ["EMPLOYEES_JWT_HS256_SECRET": "an instance-shared secret of at least 32 bytes!"]

    private struct Topology {
        let primary: EmbeddedPostgres
        let standby: EmbeddedPostgres
        let first: ServiceHarness
        let second: ServiceHarness

        func stop() async {
            await second.stop()
            await first.stop()
        }
    }

    /// A primary that commits synchronously (as in production: the test clusters do not), a standby that applies
    /// commits `applyDelay` late, and two instances reading from it.
    private func topology(applyDelay: String? = nil) async throws -> Topology {
        let primary = try TestCluster.makeSeparateCluster()
        try primary.start()
        let owner = try PostgresConnection.connect(to: primary.configuration)
        try owner.execute("ALTER SYSTEM SET synchronous_commit = on")
        try owner.execute("SELECT pg_reload_conf()")
        let standby = try TestCluster.makeStandby(of: primary)
        if let applyDelay {
            let connection = try PostgresConnection.connect(to: standby.configuration)
            try connection.execute(PostgresQuery(unsafeSQL: "ALTER SYSTEM SET recovery_min_apply_delay = '\(applyDelay)'"))
            try connection.execute("SELECT pg_reload_conf()")
        }
        let first = try await ServiceHarness.start(cluster: primary, environment: Self.secret, standbys: [standby])
        let second = try await first.startAnotherInstance(environment: Self.secret)
        for instance in [first, second] {
            let inRotation = await eventually(timeout: .seconds(15)) { Self.standbyState(instance) == .inRotation }
            XCTAssertTrue(inRotation, "the standby joins the rotation (\(String(describing: Self.standbyState(instance))))")
        }
        return Topology(primary: primary, standby: standby, first: first, second: second)
    }

    private static func standbyState(_ instance: ServiceHarness) -> StandbySet.State? {
        instance.service.context.reads.standbys?.statuses.first?.state
    }

    private static func version(_ etag: String?) -> Int? {
        etag.flatMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))) }
    }

    /// A command on one instance, then a read on the other: with the command's `Consistency-Token`, never stale (1,000
    /// times, 50 at once, with the standby applying commits 100 ms late); without it, stale, which proves the
    /// standby really serves those reads and that the test can fail. The reporting role on the standby reads its views
    /// and nothing else.
    func testAReadWithTheTokenIsNeverStaleOnAnotherInstanceAndWithoutItCanBe() async throws {
        let topology = try await topology(applyDelay: "100ms")
        let (first, second) = (topology.first, topology.second)
        let admin = try await first.makeEmployee(email: "admin@example.com", scopes: [.adminRead, .adminWrite])
        try await second.waitForPrincipal(Int64(admin), scopes: ScopeSet([.adminRead, .adminWrite]))
        let token = try first.token(for: admin, scopes: [.adminRead, .adminWrite])
        var employees: [Int] = []
        for number in 0..<50 { employees.append(try await first.makeEmployee(email: "worker\(number)@example.com")) }

        struct Tally: Sendable {
            var pairs = 0
            var stale = 0
            var failures: [String] = []
        }
        func run(rounds: Int, withToken: Bool) async throws -> Tally {
            try await withThrowingTaskGroup(of: Tally.self) { group in
                for empNo in employees {
                    group.addTask {
                        var tally = Tally()
                        for round in 0..<rounds {
                            let name = round.isMultiple(of: 2) ? "Alpha" : "Bravo"
                            let patch = try await first.client.json(
                                "PATCH", "/employees/\(empNo)", token: token, body: ["first_name": name])
                            guard patch.status == 200, let written = Self.version(patch.header("ETag")),
                                let consistency = patch.header("Consistency-Token")
                            else {
                                tally.failures.append("PATCH \(patch.status) \(patch.headers)")
                                continue
                            }
                            let read = try await second.client.json(
                                "GET", "/employees/\(empNo)", token: token,
                                headers: withToken ? [("Consistency-Token", consistency)] : [])
                            guard read.status == 200, let seen = Self.version(read.header("ETag")) else {
                                tally.failures.append("GET \(read.status) \(read.text)")
                                continue
                            }
                            tally.pairs += 1
                            if seen < written || read.json["first_name"] as? String != name { tally.stale += 1 }
                        }
                        return tally
                    }
                }
                var total = Tally()
                for try await tally in group {
                    total.pairs += tally.pairs
                    total.stale += tally.stale
                    total.failures += tally.failures
                }
                return total
            }
        }

        let counters = second.service.context.reads.counters
        let before = counters.snapshot[.standby] ?? 0
        let withToken = try await run(rounds: 20, withToken: true)
        XCTAssertEqual(withToken.failures, [])
        XCTAssertEqual(withToken.pairs, 1_000)
        print("read-your-writes over 1,000 pairs: \(counters.snapshot)")
        XCTAssertEqual(withToken.stale, 0, "a read with the token never misses the command")
        let servedByStandby = (counters.snapshot[.standby] ?? 0) - before
        XCTAssertGreaterThan(servedByStandby, 500, "most reads with a token waited for the standby: \(counters.snapshot)")

        let withoutToken = try await run(rounds: 4, withToken: false)
        XCTAssertEqual(withoutToken.failures, [])
        XCTAssertGreaterThan(withoutToken.stale, 0, "without the token the standby's lag shows (\(withoutToken.pairs) pairs)")

        try assertReportingOnTheStandbyReadsItsViewsOnly(topology, employees: employees.count + 1)
        await topology.stop()
    }

    private func assertReportingOnTheStandbyReadsItsViewsOnly(_ topology: Topology, employees: Int) throws {
        var configuration = topology.standby.configuration.withDatabase(topology.first.database.database)
        configuration.user = "reporting"
        let connection = try PostgresConnection.connect(to: configuration)
        XCTAssertEqual(try connection.query("SELECT pg_is_in_recovery()").first?.decode(Bool.self, column: 0), true)
        XCTAssertEqual(
            try connection.query("SELECT count(*)::int FROM reporting.employees").first?.decode(Int.self, column: 0), employees)
        for view in ["scope_assignments", "headcount_by_hire_year_and_gender", "changes_per_day"] {
            XCTAssertNoThrow(try connection.query(PostgresQuery(unsafeSQL: "SELECT * FROM reporting.\(view)")), view)
        }
        for table in ["employees", "events", "credentials", "refresh_tokens", "security_log", "revoked_access_tokens"] {
            XCTAssertThrowsError(try connection.query(PostgresQuery(unsafeSQL: "SELECT 1 FROM public.\(table) LIMIT 1"))) {
                error in
                XCTAssertEqual((error as? PostgresError)?.code, .insufficientPrivilege, table)
            }
        }
        try connection.execute("SET default_transaction_read_only = off")
        XCTAssertThrowsError(try connection.execute("CREATE TEMPORARY TABLE scratch (a int)")) { error in
            XCTAssertEqual((error as? PostgresError)?.code, PostgresError.Code(rawValue: "25006"), "a standby is read-only")
        }
    }

    /// The browser session remembers its last write: a console form's `303` sets a short cookie with the command's
    /// token, and the page it leads to, read on another instance, shows the change although the standby applies
    /// commits two seconds late; the same page without that cookie shows the old name from the standby.
    func testTheBrowserSessionRemembersItsLastWriteAcrossInstances() async throws {
        let topology = try await topology(applyDelay: "2s")
        let (first, second) = (topology.first, topology.second)
        do {
            let password = "Qv8-tundra-Plaxo-47-ember"
            let user = try await first.makeEmployee(
                email: "browser@example.com", scopes: [.userRead, .userWrite], passwordHash: try PasswordHasher().hash(password))
            try await second.waitForPrincipal(Int64(user), scopes: ScopeSet([.userRead, .userWrite]))
            let origin = "http://127.0.0.1:\(first.client.port)"
            let login = try await first.client.form(
                "/auth/login", [("username", "browser@example.com"), ("password", password)], headers: [("Origin", origin)])
            let session = String(try XCTUnwrap(login.header("Set-Cookie")).prefix { $0 != ";" })
            let sessionToken = String(session.dropFirst("\(SessionCookie.name)=".count))
            // Let the standby apply the creation, so a stale page still finds the record.
            try await Task.sleep(for: .seconds(3))

            let saved = try await first.client.form(
                "/emp/user-save",
                [
                    ("empNo", String(user)), ("firstName", "Remembered"), ("lastName", "Facello"), ("birthDate", "1953-09-02"),
                    ("gender", "M"), ("hireDate", "1986-06-26"),
                    ("csrf_token", SessionCookie.csrfToken(forSession: sessionToken)),
                ],
                headers: [("Origin", origin), ("Cookie", session), ("Accept", "text/html")])
            XCTAssertEqual(saved.status, 303, saved.text)
            let remembered = try XCTUnwrap(
                saved.headers.first { $0.0.lowercased() == "set-cookie" && $0.1.hasPrefix(ConsistencyCookie.name) }?.1,
                "the form's answer sets the consistency cookie: \(saved.headers)")
            XCTAssertTrue(remembered.contains("HttpOnly") && remembered.contains("SameSite=Strict"), remembered)
            let consistency = String(remembered.prefix { $0 != ";" })

            let path = "/emp/own-get-update/\(user)"
            let fresh = try await second.client.send(
                "GET", path, headers: [("Accept", "text/html"), ("Cookie", "\(session); \(consistency)")])
            XCTAssertEqual(fresh.status, 200, fresh.text)
            XCTAssertTrue(fresh.text.contains("Remembered"), "with the cookie, the page shows the write")
            let stale = try await second.client.send("GET", path, headers: [("Accept", "text/html"), ("Cookie", session)])
            XCTAssertEqual(stale.status, 200, stale.text)
            XCTAssertFalse(stale.text.contains("Remembered"), "without it, the standby's page is two seconds behind")
        } catch {
            await topology.stop()
            throw error
        }
        await topology.stop()
    }

    /// The standby killed (`pg_ctl stop -m immediate`) under a 64-connection read load spread over both instances:
    /// not one request fails; restarted, it is back in rotation on both within 2 s and serves reads again.
    func testAStandbyStoppedUnderLoadFailsNoRequestAndReturnsWithinTwoSeconds() async throws {
        let topology = try await topology()
        let (first, second) = (topology.first, topology.second)
        let admin = try await first.makeEmployee(email: "admin@example.com", scopes: [.adminRead])
        try await second.waitForPrincipal(Int64(admin), scopes: ScopeSet([.adminRead]))
        let token = try first.token(for: admin, scopes: [.adminRead])

        let load = (0..<64).map { worker in
            Task {
                let client = worker.isMultiple(of: 2) ? first.client : second.client
                var statuses: [Int: Int] = [:]
                while !Task.isCancelled {
                    let response = try? await client.json("GET", "/employees/\(admin)", token: token)
                    statuses[response?.status ?? -1, default: 0] += 1
                }
                return statuses
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        try topology.standby.stop(immediately: true)
        let stopped = ContinuousClock.now
        let out = await eventually(timeout: .seconds(1), pollingEvery: .milliseconds(10)) {
            Self.standbyState(first) != .inRotation && Self.standbyState(second) != .inRotation
        }
        XCTAssertTrue(out, "out of rotation on both within a second (\(ContinuousClock.now - stopped))")
        try await Task.sleep(for: .milliseconds(700))

        try topology.standby.start()
        let restarted = ContinuousClock.now
        let back = await eventually(timeout: .seconds(2), pollingEvery: .milliseconds(10)) {
            Self.standbyState(first) == .inRotation && Self.standbyState(second) == .inRotation
        }
        XCTAssertTrue(back, "back in rotation on both within 2 s (\(ContinuousClock.now - restarted))")
        let servedBefore = second.service.context.reads.counters.snapshot[.standby] ?? 0
        try await Task.sleep(for: .milliseconds(500))
        let servedAfter = second.service.context.reads.counters.snapshot[.standby] ?? 0
        XCTAssertGreaterThan(servedAfter, servedBefore, "the standby serves reads again")

        var statuses: [Int: Int] = [:]
        for task in load {
            task.cancel()
            for (status, count) in await task.value { statuses[status, default: 0] += count }
        }
        XCTAssertEqual(Set(statuses.keys), [200], "every request of the load succeeded: \(statuses)")

        let readiness = try await second.client.json("GET", "/readyz")
        let standbys = readiness.json["standbys"] as? [[String: Any]]
        XCTAssertEqual(standbys?.first?["state"] as? String, "in_rotation", readiness.text)
        XCTAssertNotNil(standbys?.first?["lag_seconds"] as? Double, readiness.text)
        let metrics = try await second.client.send("GET", "/metrics")
        XCTAssertTrue(metrics.text.contains("employees_standby_state{standby=\"1\",state=\"in_rotation\"} 1"), metrics.text)
        XCTAssertTrue(metrics.text.contains("employees_standby_lag_seconds{standby=\"1\"}"))
        await topology.stop()
    }

    /// A standby that stops answering without closing a connection (every process of it sent `SIGSTOP`, as a frozen
    /// host or a network partition would look) under a 32-connection read load: the reads it holds are abandoned once
    /// the monitor finds it unreachable and run on the primary, so no request waits more than about a second, and none
    /// fails. Without that, they would wait for the standby's return, four seconds later. Resumed (`SIGCONT`), it is
    /// back in rotation within 2 s.
    func testAStandbyThatStopsAnsweringHoldsNoReadAndFailsNone() async throws {
        let topology = try await topology()
        let (first, second) = (topology.first, topology.second)
        let admin = try await first.makeEmployee(email: "admin@example.com", scopes: [.adminRead])
        try await second.waitForPrincipal(Int64(admin), scopes: ScopeSet([.adminRead]))
        let token = try first.token(for: admin, scopes: [.adminRead])

        struct Tally: Sendable {
            var statuses: [Int: Int] = [:]
            var slowest: Duration = .zero
        }
        let load = (0..<32).map { worker in
            Task {
                let client = worker.isMultiple(of: 2) ? first.client : second.client
                var tally = Tally()
                while !Task.isCancelled {
                    let started = ContinuousClock.now
                    let response = try? await client.json("GET", "/employees/\(admin)", token: token)
                    tally.slowest = max(tally.slowest, ContinuousClock.now - started)
                    tally.statuses[response?.status ?? -1, default: 0] += 1
                }
                return tally
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        let processes = try Self.processes(of: topology.standby)
        for process in processes { kill(process, SIGSTOP) }
        let frozen = ContinuousClock.now
        let out = await eventually(timeout: .seconds(2), pollingEvery: .milliseconds(10)) {
            Self.standbyState(first) == .unreachable && Self.standbyState(second) == .unreachable
        }
        XCTAssertTrue(out, "unreachable on both (\(ContinuousClock.now - frozen))")
        try await Task.sleep(until: frozen + .seconds(4))
        let heldBefore = Set(try Self.processes(of: topology.standby))
        for process in processes { kill(process, SIGCONT) }
        XCTAssertEqual(heldBefore, Set(processes), "no process of the standby came or went while it was stopped")
        let resumed = ContinuousClock.now
        let back = await eventually(timeout: .seconds(2), pollingEvery: .milliseconds(10)) {
            Self.standbyState(first) == .inRotation && Self.standbyState(second) == .inRotation
        }
        XCTAssertTrue(back, "back in rotation on both within 2 s (\(ContinuousClock.now - resumed))")

        var total = Tally()
        for task in load {
            task.cancel()
            let tally = await task.value
            for (status, count) in tally.statuses { total.statuses[status, default: 0] += count }
            total.slowest = max(total.slowest, tally.slowest)
        }
        XCTAssertEqual(Set(total.statuses.keys), [200], "every request of the load succeeded: \(total.statuses)")
        XCTAssertLessThan(total.slowest, .milliseconds(2500), "no read waited for the stopped standby")
        await topology.stop()
    }

    /// The postmaster of `cluster` and every process it started.
    private static func processes(of cluster: EmbeddedPostgres) throws -> [pid_t] {
        let postmaster = try XCTUnwrap(cluster.postmasterProcessID)
        let children = try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let afterName = stat.range(of: ") ", options: .backwards)
            else { return nil }
            let fields = stat[afterName.upperBound...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == postmaster ? pid : nil
        }
        return [postmaster] + children
    }

    /// `serve --embedded-replicas 1`: a streaming standby of the embedded cluster, made by `pg_basebackup -R` over the
    /// Unix socket, takes the reads; shutting down stops both clusters.
    func testEmbeddedReplicasStartAStandbyThatTakesTheReads() async throws {
        let dataDirectory = try TestCluster.makeTemporaryFolder()
        chmod(dataDirectory, 0o755)
        let service = try await EmployeeService.start(
            ServiceConfiguration(dataDirectory: dataDirectory, databaseURL: nil, port: 0, embeddedReplicas: 1),
            environment: Self.secret, log: { _ in })
        let standby = EmbeddedPostgres(folder: dataDirectory + "/postgres-standby-1")
        let inRotation = await eventually(timeout: .seconds(15)) {
            service.context.reads.standbys?.statuses.first?.state == .inRotation
        }
        XCTAssertTrue(inRotation)
        let client = HTTPTestClient(port: service.addresses[0].port)
        var fields = ServiceHarness.defaultFields
        fields.email = "embedded@example.com"
        let outcome = try await service.context.commands.create(fields, passwordHash: nil, by: .system())
        _ = try await service.context.commands.execute(.grantScope(Scope.adminRead.rawValue), on: outcome.empNo, by: .system())
        let seen = await eventually {
            service.context.principals.snapshot(empNo: Int64(outcome.empNo.value))?.scopes == ScopeSet([.adminRead])
        }
        XCTAssertTrue(seen)
        let token = try service.issuerService.issue(empNo: Int64(outcome.empNo.value), clientID: "tests", scopes: [.adminRead])
            .token
        let served = await eventually {
            _ = try? await client.json("GET", "/employees/\(outcome.empNo.value)", token: token)
            return (service.context.reads.counters.snapshot[.standby] ?? 0) > 0
        }
        XCTAssertTrue(served, "a read ran on the embedded standby")
        let pid = try XCTUnwrap(standby.postmasterProcessID)
        await service.shutdown()
        XCTAssertNil(standby.postmasterProcessID, "the standby was stopped with the service (pid \(pid))")
    }
}
