import Employees
import EventStore
import Foundation
import Postgres
import Security
import TestSupport
import XCTest

@testable import Accounts
@testable import App
@testable import EmployeesCLI
@testable import Records

private let today = CalendarDate(year: 2025, month: 6, day: 15)!
private let samplePath = sharedSampleCSVPath
/// The seed application's hash (it verifies the password `password`): commas inside, so the CSV quotes it.
private let seedHash = "$argon2id$v=19$m=16,t=2,p=1$cTJhazRqRWRHR3NYbEJ2Zg$z7pMnKzV0eU5eJkdq+hycQ"

/// `employees import` and `create-admin` against a real PostgreSQL: the bulk path, its rejects, the credentials side
/// table, and the equality of inline projections with a rebuild.
final class EmployeeImportTests: XCTestCase {
    private var database: MigratedDatabase!
    private var pool: PostgresPool!
    private var temporaryFiles: [String] = []
    private let projections: [any InlineProjection] = [EmployeeProjection()]

    override func setUp() async throws {
        database = try MigratedDatabase.make(prefix: "import")
        pool = PostgresPool(configuration: database.app, maximumConnections: 4)
    }

    override func tearDown() async throws {
        await pool?.shutdown()
        for path in temporaryFiles { try? FileManager.default.removeItem(atPath: path) }
    }

    private func csv(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        temporaryFiles.append(path)
        return path
    }

    private func importFile(_ path: String, chunkSize: Int = 5_000) async throws -> ImportSummary {
        var source = ImportSource.csv(try EmployeeCSVReader(path: path, today: today))
        return try await EmployeeImport(pool: pool, projections: projections, today: today, chunkSize: chunkSize).run(&source)
    }

    private func scalar<Value: PostgresDecodable & Sendable>(_ sql: PostgresQuery, as type: Value.Type = Value.self) async throws
        -> Value
    {
        try await pool.withConnection { connection in try connection.query(sql).first!.decode(Value.self, column: 0) }
    }

    private func texts(_ sql: PostgresQuery) async throws -> [String] {
        try await pool.withConnection { connection in try connection.query(sql).map { try $0.decode(String.self, column: 0) } }
    }

    private func commands() -> EmployeeCommandService {
        EmployeeCommandService(pool: pool, appender: BatchingAppender(pool: pool, projections: projections), today: { today })
    }

    private func assertChainIntact(events: Int64, file: StaticString = #filePath, line: UInt = #line) async throws {
        let report = try await ChainVerifier(pool: pool).verify()
        XCTAssertTrue(report.isIntact, "\(String(describing: report.firstBrokenLink))", file: file, line: line)
        XCTAssertEqual(report.eventsChecked, events, file: file, line: line)
    }

    func testImportsTheWholeSampleEndToEnd() async throws {
        let summary = try await importFile(samplePath)
        XCTAssertEqual(summary.importedEmployees, 10_000)
        XCTAssertEqual(summary.events, 10_000)
        XCTAssertTrue(summary.rejections.isEmpty, summary.render())
        let employeeRows = try await scalar("SELECT count(*) FROM employees", as: Int.self)
        XCTAssertEqual(employeeRows, 10_000)
        let createdEvents = try await scalar("SELECT count(*) FROM events WHERE event_type = 'EmployeeCreated'", as: Int.self)
        XCTAssertEqual(createdEvents, 10_000)
        let row = try await texts(
            """
            SELECT concat_ws('|', emp_no, birth_date, first_name, last_name, gender, hire_date, email, disabled, version)
            FROM employees WHERE emp_no = 10005
            """)
        XCTAssertEqual(row, ["10005|1955-01-21|Kyoichi|Maliniak|M|1989-09-12|kyoichi.maliniak.10005@gmail.com|f|1"])
        let principals = try await texts("SELECT DISTINCT metadata->>'principal' FROM events")
        XCTAssertEqual(principals, ["system"], "every event names its actor")
        let checkpoint = try await scalar(
            "SELECT position FROM projection_checkpoints WHERE projection = 'employees'", as: Int64.self)
        XCTAssertEqual(checkpoint, 10_000)
        try await assertChainIntact(events: 10_000)
        let nextNumber = try await scalar("SELECT nextval('employee_numbers')", as: Int.self)
        XCTAssertEqual(nextNumber, 20_001, "create continues after the import")
    }

    func testImportedEventsAreWhatTheDomainDecides() throws {
        var employees = Array(try EmployeeCSVReader.readAll(path: samplePath, today: today).prefix(200))
        employees.append(ImportedEmployee(empNo: employees[0].empNo, profile: employees[0].profile, passwordHash: seedHash))
        for employee in employees {
            XCTAssertEqual(EmployeeImport.events(for: employee), try decide(.absent, employee.createCommand, today: today))
        }
    }

    func testEventIDsAreDistinctVersion4UUIDs() {
        var ids = EventIDs()
        let drawn = (0..<1_000).map { _ in ids.next() }
        XCTAssertEqual(Set(drawn).count, 1_000)
        for id in drawn {
            let text = id.uuidString.lowercased()
            XCTAssertEqual(Array(text)[14], "4", text)
            XCTAssertTrue("89ab".contains(Array(text)[19]), text)
        }
    }

    func testDuplicateEmailExistingEmployeeAndInvalidRowsAreReportedAndTheRestIsImported() async throws {
        _ = try await importFile(
            try csv("emp_no,birth_date,first_name,last_name,gender,hire_date\n30001,1970-01-01,Ada,Byron,F,1990-05-01\n"))
        let path = try csv(
            """
            emp_no,birth_date,first_name,last_name,gender,hire_date,email
            30002,1971-02-03,Alan,Turing,M,1991-01-01,alan@example.com
            30001,1970-01-01,Ada,Byron,F,1990-05-01,ada@example.com
            30003,1972-03-04,Alonzo,Church,M,1992-02-02,ALAN@example.com
            30004,1973-04-05,Grace,Hopper,X,1993-03-03,grace@example.com
            30005,1974-05-06,Edsger,Dijkstra,M,1994-04-04,edsger@example.com
            30006,1975-06-07,Barbara,Liskov,F,1995-05-05,alan@example.com

            """)
        let summary = try await importFile(path)
        XCTAssertEqual(summary.importedEmployees, 2)
        XCTAssertEqual(summary.rejections.sorted { $0.line < $1.line }.map(\.line), [3, 4, 5, 7])
        let reasons = Dictionary(uniqueKeysWithValues: summary.rejections.map { ($0.line, $0.reason) })
        XCTAssertEqual(reasons[3], .existingEmployee)
        XCTAssertEqual(reasons[4], .duplicateEmail)
        XCTAssertEqual(reasons[7], .duplicateEmail)
        guard case .invalid(.invalidRow(5, let errors)) = reasons[5] else {
            return XCTFail("line 5 is invalid: \(summary.render())")
        }
        XCTAssertEqual(errors.fields, [.gender])
        let rendered = summary.render()
        XCTAssertTrue(rendered.contains("rejected 4 rows (2 duplicate emails, 1 existing employees, 1 invalid rows)"), rendered)
        XCTAssertTrue(rendered.contains("line 4: the email is already taken"), rendered)
        let numbers = try await texts("SELECT emp_no::text FROM employees ORDER BY emp_no")
        XCTAssertEqual(numbers, ["30001", "30002", "30005"])
        let ada = try await texts("SELECT email FROM employees WHERE emp_no = 30001")
        XCTAssertEqual(ada, ["ada.byron.30001@gmail.com"], "the existing employee was left alone")
        try await assertChainIntact(events: 3)
    }

    func testPasswordHashesGoToCredentialsAndNeverIntoTheLog() async throws {
        let quoted = "\"" + seedHash + "\""
        let path = try csv(
            """
            emp_no,first_name,last_name,gender,birth_date,hire_date,password_hash
            40001,Ken,Thompson,M,1943-02-04,1966-01-01,\(quoted)
            40002,Dennis,Ritchie,M,1941-09-09,1967-01-01,
            40003,Frances,Allen,F,1932-08-04,1957-01-01,\(quoted)

            """)
        let summary = try await importFile(path)
        XCTAssertEqual(summary.importedEmployees, 3)
        XCTAssertEqual(summary.events, 5, "a PasswordChanged event for each row with a hash")
        let credentials = try await texts("SELECT emp_no || ' ' || password_hash FROM credentials ORDER BY emp_no")
        XCTAssertEqual(credentials, ["40001 \(seedHash)", "40003 \(seedHash)"])
        let types = try await texts("SELECT event_type FROM events WHERE stream_id = 'employee-40001' ORDER BY stream_version")
        XCTAssertEqual(types, ["EmployeeCreated", "PasswordChanged"])
        let versions = try await texts("SELECT emp_no || ':' || version FROM employees ORDER BY emp_no")
        XCTAssertEqual(versions, ["40001:2", "40002:1", "40003:2"])
        let leaks = try await scalar(
            """
            SELECT count(*) FROM events
            WHERE data::text LIKE '%argon2%' OR metadata::text LIKE '%argon2%'
               OR data::text LIKE '%cTJhazRqRWRHR3NYbEJ2Zg%' OR metadata::text LIKE '%cTJhazRqRWRHR3NYbEJ2Zg%'
            """, as: Int.self)
        XCTAssertEqual(leaks, 0)
        try await assertChainIntact(events: 5)
    }

    func testProjectionsAfterAnImportAndCommandsEqualARebuild() async throws {
        let sample = EmployeeSample(learningFrom: try EmployeeCSVReader.readAll(path: samplePath, today: today))
        let synthetic = try SyntheticEmployees(
            count: 5_000, seed: 7, firstEmployeeNumber: EmployeeNumber(100_001)!, sample: sample, today: today)
        var source = ImportSource.synthetic(synthetic.makeIterator(), nextLine: 2)
        let summary = try await EmployeeImport(pool: pool, projections: projections, today: today, chunkSize: 1_500).run(&source)
        XCTAssertEqual(summary.importedEmployees, 5_000)

        let service = commands()
        let system = Actor.system()
        _ = try await service.execute(
            .update(EmployeeChanges(firstName: "Renamed", hireDate: "2001-02-03")), on: EmployeeNumber(100_010)!, by: system)
        _ = try await service.execute(.grantScope("admin:read"), on: EmployeeNumber(100_020)!, by: system)
        _ = try await service.execute(.grantScope("user:write"), on: EmployeeNumber(100_020)!, by: system)
        _ = try await service.execute(.revokeScope("admin:read"), on: EmployeeNumber(100_020)!, by: system)
        _ = try await service.execute(.disable, on: EmployeeNumber(100_030)!, by: system)
        let created = try await service.create(
            EmployeeFields(
                firstName: "New", lastName: "Hire", birthDate: "1990-01-01", gender: "F", hireDate: "2020-01-01",
                email: "new.hire@example.com"),
            passwordHash: seedHash, by: system)
        XCTAssertEqual(created.empNo.value, 105_001, "create continues after the imported numbers")
        _ = try await service.execute(.update(EmployeeChanges(lastName: "Hired")), on: created.empNo, by: system)
        _ = try await service.create(
            EmployeeFields(
                firstName: "Only", lastName: "Created", birthDate: "1991-01-01", gender: "M", hireDate: "2021-01-01",
                email: "only.created@example.com"),
            passwordHash: seedHash, by: system)

        let employeesQuery: PostgresQuery = "SELECT row_to_json(e)::text FROM (SELECT * FROM employees ORDER BY emp_no) e"
        let scopesQuery: PostgresQuery =
            "SELECT row_to_json(s)::text FROM (SELECT * FROM employee_scopes ORDER BY emp_no, scope) s"
        let employeesBefore = try await texts(employeesQuery)
        let scopesBefore = try await texts(scopesQuery)
        XCTAssertEqual(employeesBefore.count, 5_002)
        XCTAssertEqual(scopesBefore.count, 1)

        let replayed = try await ProjectionRebuild(pool: pool, projections: projections).run()
        XCTAssertEqual(replayed, 5_000 + 4 + 1 + 2 + 1 + 2)
        let employeesAfter = try await texts(employeesQuery)
        let scopesAfter = try await texts(scopesQuery)
        XCTAssertEqual(employeesAfter.count, employeesBefore.count)
        for (before, after) in zip(employeesBefore, employeesAfter) where before != after {
            return XCTFail("row differs after rebuild:\n\(before)\n\(after)")
        }
        XCTAssertEqual(scopesAfter, scopesBefore)
        try await assertChainIntact(events: 5_010)
    }

    func testConcurrentCommandsBatchedTogetherProjectAsARebuildDoes() async throws {
        let sample = EmployeeSample(learningFrom: try EmployeeCSVReader.readAll(path: samplePath, today: today))
        let synthetic = try SyntheticEmployees(
            count: 400, seed: 11, firstEmployeeNumber: EmployeeNumber(200_001)!, sample: sample, today: today)
        var source = ImportSource.synthetic(synthetic.makeIterator(), nextLine: 2)
        _ = try await EmployeeImport(pool: pool, projections: projections, today: today).run(&source)
        let appender = BatchingAppender(pool: pool, projections: projections)
        let service = EmployeeCommandService(pool: pool, appender: appender, today: { today })
        let system = Actor.system()
        // Partial updates of distinct employees (the set-based path), mixed with other kinds in the same batches.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for offset in 0..<300 {
                let empNo = EmployeeNumber(200_001 + offset)!
                let command: EmployeeCommand
                switch offset % 6 {
                case 0: command = .update(EmployeeChanges(firstName: "First\(offset % 7)"))
                case 1: command = .update(EmployeeChanges(lastName: "Last\(offset % 5)", gender: offset % 4 == 1 ? "M" : "F"))
                case 2:
                    command = .update(
                        EmployeeChanges(birthDate: "1970-03-0\(offset % 9 + 1)", hireDate: "2001-04-0\(offset % 9 + 1)"))
                case 3: command = .disable
                case 4: command = .grantScope("user:read")
                default: command = .update(EmployeeChanges(firstName: "Both", lastName: "Changed"))
                }
                group.addTask { _ = try await service.execute(command, on: empNo, by: system) }
            }
            try await group.waitForAll()
        }
        XCTAssertGreaterThan(appender.currentStatistics.largestBatchSize, 1, "the commands should have shared batches")
        let renamed = try await texts("SELECT concat_ws('|', first_name, version) FROM employees WHERE emp_no = 200001")
        XCTAssertEqual(renamed, ["First0|2"])
        let moved = try await texts(
            "SELECT concat_ws('|', birth_date, hire_date, last_name <> '', version) FROM employees WHERE emp_no = 200003")
        XCTAssertEqual(moved, ["1970-03-03|2001-04-03|t|2"])

        let employeesQuery: PostgresQuery = "SELECT row_to_json(e)::text FROM (SELECT * FROM employees ORDER BY emp_no) e"
        let scopesQuery: PostgresQuery =
            "SELECT row_to_json(s)::text FROM (SELECT * FROM employee_scopes ORDER BY emp_no, scope) s"
        let employeesBefore = try await texts(employeesQuery)
        let scopesBefore = try await texts(scopesQuery)
        XCTAssertEqual(scopesBefore.count, 50)
        _ = try await ProjectionRebuild(pool: pool, projections: projections).run()
        let employeesAfter = try await texts(employeesQuery)
        XCTAssertEqual(employeesAfter.count, 400)
        for (before, after) in zip(employeesBefore, employeesAfter) where before != after {
            return XCTFail("row differs after rebuild:\n\(before)\n\(after)")
        }
        let scopesAfter = try await texts(scopesQuery)
        XCTAssertEqual(scopesAfter, scopesBefore)
        try await assertChainIntact(events: 400 + 300)
    }

    func testCreateAdminGrantsEveryScopeAndIsRefusedForATakenEmail() async throws {
        let admin = AdminAccount(commands: commands(), hasher: PasswordHasher())
        let fields = EmployeeFields(
            firstName: "Root", lastName: "Admin", birthDate: "1980-01-01", gender: "F", hireDate: "2010-01-01",
            email: "root.admin@example.com")
        let password = "correct horse battery staple zebra"
        let outcome = try await admin.create(fields, password: password)
        let scopes = try await texts("SELECT scope FROM employee_scopes WHERE emp_no = \(outcome.empNo.value) ORDER BY scope")
        XCTAssertEqual(scopes, Scope.allCases.map(\.rawValue).sorted())
        let hash = try await scalar(
            "SELECT password_hash FROM credentials WHERE emp_no = \(outcome.empNo.value)", as: String.self)
        XCTAssertTrue(hash.hasPrefix("$argon2id$"))
        XCTAssertTrue(PasswordHasher().verify(password, against: hash))
        let leaks = try await scalar(
            "SELECT count(*) FROM events WHERE strpos(data::text, \(hash)) > 0 OR strpos(metadata::text, \(hash)) > 0 OR data::text LIKE '%argon2%' OR metadata::text LIKE '%argon2%'",
            as: Int.self)
        XCTAssertEqual(leaks, 0, "the hash is never in the log")
        let principals = try await texts("SELECT DISTINCT metadata->>'principal' FROM events")
        XCTAssertEqual(principals, ["system"])

        var again = fields
        again.email = "ROOT.admin@example.com"
        do {
            _ = try await admin.create(again, password: password)
            XCTFail("a second admin with the same email must be refused")
        } catch {
            guard case .emailTaken = error else { return XCTFail("expected emailTaken, got \(error)") }
        }
        var weak = fields
        weak.email = "other.admin@example.com"
        do {
            _ = try await admin.create(weak, password: "short")
            XCTFail("a weak password must be refused")
        } catch {
            guard case .weakPassword(.tooShort) = error else { return XCTFail("expected weakPassword, got \(error)") }
        }
        let employeeRows = try await scalar("SELECT count(*) FROM employees", as: Int.self)
        XCTAssertEqual(employeeRows, 1)
        try await assertChainIntact(events: Int64(2 + Scope.allCases.count))
    }

    func testTwoSimultaneousCreatesWithOneEmailHaveExactlyOneWinner() async throws {
        let service = commands()
        for round in 0..<5 {
            let fields = EmployeeFields(
                firstName: "Twin", lastName: "Race", birthDate: "1985-05-05", gender: "M", hireDate: "2015-05-05",
                email: "twin.\(round)@example.com")
            async let first = Result(catching: { () async throws(CommandError) in
                try await service.create(fields, passwordHash: nil, by: .system())
            })
            async let second = Result(catching: { () async throws(CommandError) in
                try await service.create(fields, passwordHash: nil, by: .system())
            })
            let outcomes = await [first, second]
            XCTAssertEqual(outcomes.filter { if case .success = $0 { true } else { false } }.count, 1, "round \(round)")
            for case .failure(let error) in outcomes {
                guard case .emailTaken = error else { return XCTFail("the loser gets emailTaken, not \(error)") }
            }
        }
        let employeeRows = try await scalar("SELECT count(*) FROM employees", as: Int.self)
        XCTAssertEqual(employeeRows, 5)
        try await assertChainIntact(events: 5)
    }
}

extension Result where Failure == CommandError {
    fileprivate init(catching body: () async throws(CommandError) -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

/// Mistakes on the new subcommands' command lines exit with status 2 before any database is opened.
final class DataSubcommandUsageTests: XCTestCase {
    private func status(_ arguments: [String], environment: [String: String] = [:]) async -> Int32 {
        await Entrypoint.run(arguments: arguments, environment: environment)
    }

    func testBadValuesAreUsageErrors() async {
        let noDatabase = ["--data-dir", "/nonexistent/never-created"]
        for arguments in [
            ["import"] + noDatabase,
            ["import", "a.csv", "--synthetic", "5"] + noDatabase,
            ["import", "--synthetic", "many"] + noDatabase,
            ["import", "--synthetic", "0"] + noDatabase,
            ["import", "--synthetic", "5", "--seed", "-1"] + noDatabase,
            ["import", "--synthetic", "5", "--sample", "/nonexistent.csv"] + noDatabase,
            ["import", "/nonexistent.csv"] + noDatabase,
            ["generate"],
            ["generate", "--synthetic", "5", "--first-emp-no", "0"],
            ["create-admin", "--email", "a@example.com"] + noDatabase,
            [
                "create-admin", "--email", "a@example.com", "--first-name", "A", "--last-name", "B", "--birth-date",
                "1980-01-01", "--hire-date", "2000-01-01", "--gender", "F",
            ] + noDatabase,
        ] {
            let exitStatus = await status(arguments)
            XCTAssertEqual(exitStatus, 2, "\(arguments)")
        }
    }
}
