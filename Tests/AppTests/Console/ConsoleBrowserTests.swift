import Employees
import Foundation
import Postgres
import Security
import TestSupport
import XCTest

@testable import Accounts
@testable import App
@testable import Records

/// The web console in a real headless Chromium (`Tests/python/console_browser.py`, selenium with Debian's chromium
/// and chromium-driver) against a live service over a real socket, seeded with the original's demo users. One test
/// per scenario; each saves a PNG of every page it visits under `.build/console-screenshots/`.
final class ConsoleBrowserTests: XCTestCase {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("python/console_browser.py").path
    /// The test run's output folder for screenshots, inside the package's build folder.
    static let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/console-screenshots").path

    static let sample = """
        emp_no,birth_date,first_name,last_name,gender,hire_date
        10001,1953-09-02,Georgi,Facello,M,1986-06-26
        10005,1955-01-21,Kyoichi,Maliniak,M,1989-09-12
        10011,1953-11-07,Mary,Sluis,F,1990-01-22
        10045,1957-08-14,Moss,Shanbhogue,M,1989-09-02
        12483,1959-10-19,Niranjan,Gornas,M,1990-01-10
        18671,1955-12-12,Shan,Nastansky,M,1986-05-04

        """

    static let mary = "mary.sluis.10011@gmail.com"
    static let beHai = "behai_nguyen@hotmail.com"
    static let nidapan = "nidapan.samarati.262556@gmail.com"

    private var harness: ServiceHarness!
    private var python = ""

    override func setUp() async throws {
        guard let python = SchemathesisTests.executable(named: "python3"),
            FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
        else { throw XCTSkip("python3 or chromium-driver is not installed (bash .ci/setup installs them)") }
        self.python = python
        harness = try await ServiceHarness.start()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("console-\(UUID().uuidString).csv")
        try Data(Self.sample.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let rows = try EmployeeCSVReader.readAll(path: url.path, today: CalendarDate.todayUTC())
        let context = harness.service.context
        _ = try await DemoSeed(pool: context.pool, appender: context.appender, today: { CalendarDate.todayUTC() }).run(
            sample: rows)
        for user in DemoSeed.users {
            try await harness.waitForPrincipal(Int64(user.empNo), scopes: ScopeSet(user.scopes))
        }
    }

    override func tearDown() async throws {
        await harness?.stop()
    }

    /// Runs one scenario; its output goes to the test log.
    private func run(_ scenario: String, _ parameters: [String: Any]) async throws {
        let data = try JSONSerialization.data(withJSONObject: parameters)
        let (status, output) = try await SchemathesisTests.run(
            python, [Self.script, scenario],
            environment: [
                "EMPLOYEES_BASE_URL": "http://127.0.0.1:\(harness.client.port)", "SCREENSHOT_DIR": Self.screenshots,
                "CONSOLE_PARAMETERS": String(decoding: data, as: UTF8.self),
            ])
        print(output)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("scenario \(scenario): passed"), output)
    }

    private func lastPosition() async throws -> Int64 {
        try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT coalesce(max(position), 0) FROM events").first?.decode(Int64.self, column: 0) ?? 0
        }
    }

    func testEveryDemoUserSeesExactlyTheButtonsTheirScopesAllow() async throws {
        let buttons: [Int: [String]] = [
            10005: ["My record", "Edit my record", "Search employees", "New employee"],
            67000: ["My record", "Search employees"],
            10045: [],
            262556: ["My record"],
            500222: ["My record", "Edit my record"],
            10011: ["My record", "Edit my record", "Search employees", "New employee", "Event log", "Security log"],
        ]
        let users = DemoSeed.users.map { user in
            ["email": user.fields.email ?? "", "emp_no": user.empNo, "enabled": buttons[user.empNo] ?? ["?"]] as [String: Any]
        }
        XCTAssertEqual(users.count, buttons.count)
        try await run("buttons", ["users": users])
    }

    func testAdminSearchesOpensEditsAndSeesTheEventInTheHistory() async throws {
        try await run(
            "admin_search_edit",
            ["admin": Self.mary, "admin_emp_no": 10011, "expected_numbers": ["12483", "18671"], "target": 18671])
        let record = try await harness.service.context.queries.employee(18671)
        XCTAssertEqual(record?.firstName, "Shawn")
    }

    func testAdminCreatesAnEmployeeAndADuplicateEmailIsShownOnTheEmailField() async throws {
        try await run("admin_create", ["admin": "kyoichi.maliniak.10005@gmail.com"])
        let count = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT count(*) FROM employees WHERE email = 'ada.lovelace@example.com'").first?
                .decode(Int64.self, column: 0)
        }
        XCTAssertEqual(count, 1)
    }

    func testAUserWriteUserEditsTheirOwnRecordAndCannotOpenAnothers() async throws {
        try await run(
            "own_edit",
            ["user": ["email": Self.beHai, "emp_no": 500222], "other": 10005, "other_email": "kyoichi.maliniak.10005@gmail.com"])
        let record = try await harness.service.context.queries.employee(500222)
        XCTAssertEqual(record?.lastName, "Nguyen-Tran")
    }

    func testAUserReadOnlyUserSeesTheirRecordReadOnly() async throws {
        try await run("read_only", ["user": ["email": Self.nidapan, "emp_no": 262556]])
    }

    func testAWrongPasswordShowsTheMessage() async throws {
        try await run("wrong_password", ["email": Self.beHai])
    }

    func testAfterLogoutTheBackButtonShowsNoPersonalData() async throws {
        try await run("logout_back", ["user": ["email": Self.nidapan, "emp_no": 262556, "last_name": "Samarati"]])
    }

    func testFormsWithoutTheTokenOrFromAnotherOriginAppendNothing() async throws {
        let before = try await lastPosition()
        try await run("csrf", ["admin": Self.mary, "target": 18671])
        let after = try await lastPosition()
        XCTAssertEqual(after, before, "no event was appended")
        let record = try await harness.service.context.queries.employee(18671)
        XCTAssertEqual(record?.firstName, "Shan")
    }

    func testScriptsInNamesAndUsernamesRenderAsTextAndNeverRun() async throws {
        // Names are at most 14 and 16 characters, so each payload is split over first and last name and only runs if
        // the full name were written unescaped; the exact payloads go through the login form's username,
        // which the security log page shows.
        let first = try await harness.makeEmployee(
            email: "xss-one@example.com",
            fields: EmployeeFields(
                firstName: "\"><img src=x", lastName: "onerror=alert()>", birthDate: "1980-01-01", gender: "F",
                hireDate: "2010-01-01"))
        let second = try await harness.makeEmployee(
            email: "xss-two@example.com",
            fields: EmployeeFields(
                firstName: "<script>", lastName: "alert()</script>", birthDate: "1980-01-01", gender: "M", hireDate: "2010-01-01")
        )
        let usernames = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>"]
        for username in usernames {
            let refused = try await harness.client.form("/auth/token", [("username", username), ("password", "x")])
            XCTAssertEqual(refused.status, 400)
        }
        await harness.service.context.securityLog.flush()
        try await run(
            "xss",
            [
                "admin": Self.mary, "targets": [first, second],
                "texts": [
                    "/emp/admin-get-update/\(first)": ["\"><img src=x onerror=alert()>"],
                    "/emp/admin-get-update/\(second)": ["<script> alert()</script>"],
                    "/ui/employees/\(first)/history": ["\"><img src=x", "onerror=alert()>"],
                    "/emp/search/%25alert%25/%25": ["<script>", "alert()</script>", "onerror=alert()>"],
                    "/ui/security-log": usernames,
                ],
            ])
    }

    func testTheAuditorPagesShowATamperedChainAsBroken() async throws {
        try await run("chain", ["admin": Self.mary, "expected": "intact", "label": "chain-intact"])
        let attacker = try PostgresConnection.connect(to: harness.database)
        try attacker.execute("ALTER TABLE events DISABLE TRIGGER events_no_update_or_delete")
        try attacker.execute(
            "UPDATE events SET data = jsonb_set(data, '{last_name}', '\"Tampered\"') WHERE position = 3")
        try attacker.execute("ALTER TABLE events ENABLE TRIGGER events_no_update_or_delete")
        try await run("chain", ["admin": Self.mary, "expected": "broken", "position": "event 3", "label": "chain-tampered"])
    }
}
