import Employees
import Foundation
import Postgres
import Security
import TestSupport
import XCTest

@testable import Accounts
@testable import App
@testable import Operations
@testable import Records

/// The original system's integration scenarios (behai-nguyen/fastapi_learning, tests/integration) against the
/// compatibility routes, after seeding its demo users over a few sample rows. Where the original answered 200 with
/// an error code in the body, these expect the real status with the same code and text in the body.
final class CompatibilityRoutesTests: XCTestCase {
    private var harness: ServiceHarness!
    private var client: HTTPTestClient { harness.client }
    /// Every response body of the test, checked for password hashes at the end.
    private var bodies: [String] = []

    static let sample = """
        emp_no,birth_date,first_name,last_name,gender,hire_date
        10001,1953-09-02,Georgi,Facello,M,1986-06-26
        10002,1964-06-02,Bezalel,Simmel,F,1985-11-21
        10005,1955-01-21,Kyoichi,Maliniak,M,1989-09-12
        10011,1953-11-07,Mary,Sluis,F,1990-01-22
        10045,1957-08-14,Moss,Shanbhogue,M,1989-09-02
        12483,1959-10-19,Niranjan,Gornas,M,1990-01-10
        18671,1955-12-12,Shan,Nastansky,M,1986-05-04

        """

    static let kyoichi = 10005, mary = 10011, moss = 10045, weijing = 67000, nidapan = 262556, beHai = 500222

    override func setUp() async throws {
        harness = try await ServiceHarness.start()
        _ = try await seed()
        for user in DemoSeed.users {
            try await harness.waitForPrincipal(Int64(user.empNo), scopes: ScopeSet(user.scopes))
        }
    }

    override func tearDown() async throws {
        for body in bodies {
            XCTAssertFalse(body.contains("argon2"), "a password hash was answered: \(body)")
            XCTAssertFalse(body.contains("\"password\":"), "a password member was answered: \(body)")
        }
        await harness?.stop()
    }

    /// The original's first scenario end to end: a demo user logs in at the original's path with the grandfathered
    /// password, and the token works on its routes (its own record yes, an admin route no).
    func testDemoUserLogsInAtTheOriginalPathAndUsesTheToken() async throws {
        let login = try await client.form(
            "/api/login", [("username", "behai_nguyen@hotmail.com"), ("password", "password")])
        bodies.append(login.text)
        XCTAssertEqual(login.status, 200, login.text)
        let token = try XCTUnwrap(login.json["access_token"] as? String)
        XCTAssertEqual(login.json["token_type"] as? String, "bearer")
        XCTAssertEqual(
            Set((login.json["scope"] as? String)?.split(separator: " ").map(String.init) ?? []), ["user:read", "user:write"])
        let own = try await client.json("GET", "/emp/own-get-update/\(Self.beHai)", token: token)
        bodies.append(own.text)
        XCTAssertEqual(own.status, 200, own.text)
        let other = try await client.json("GET", "/emp/admin-get-update/\(Self.kyoichi)", token: token)
        XCTAssertEqual(other.status, 403)
        let wrong = try await client.form("/api/login", [("username", "behai_nguyen@hotmail.com"), ("password", "Password")])
        XCTAssertEqual(wrong.status, 400)
        XCTAssertEqual(wrong.json["error"] as? String, "invalid_grant")
    }

    private func seed() async throws -> DemoSeed.Report {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("compat-\(UUID().uuidString).csv")
        try Data(Self.sample.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let rows = try EmployeeCSVReader.readAll(path: url.path, today: CalendarDate.todayUTC())
        let context = harness.service.context
        return try await DemoSeed(pool: context.pool, appender: context.appender, today: { CalendarDate.todayUTC() }).run(
            sample: rows)
    }

    private func token(_ empNo: Int) throws -> String {
        let user = try XCTUnwrap(DemoSeed.users.first { $0.empNo == empNo })
        return try harness.token(for: empNo, scopes: user.scopes)
    }

    private func get(_ path: String, as empNo: Int?) async throws -> HTTPTestResponse {
        let response = try await client.json("GET", path, token: try empNo.map(token))
        bodies.append(response.text)
        return response
    }

    private func post(_ path: String, as empNo: Int, _ fields: [(String, String)]) async throws -> HTTPTestResponse {
        let response = try await client.form(path, fields, headers: [("Authorization", "Bearer \(try token(empNo))")])
        bodies.append(response.text)
        return response
    }

    private func log(_ sql: PostgresQuery) async throws -> Int {
        try await harness.service.context.pool.withConnection { try $0.query(sql).first!.decode(Int.self, column: 0) }
    }

    // MARK: The envelope

    private func assertEnvelope(
        _ response: HTTPTestResponse, _ status: Int, _ text: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(response.status, status, response.text, file: file, line: line)
        XCTAssertEqual(response.header("Content-Type"), "application/json", file: file, line: line)
        let envelope = response.json["status"] as? [String: Any]
        XCTAssertEqual(envelope?["code"] as? Int, status, "the body's code is the HTTP status", file: file, line: line)
        XCTAssertEqual(envelope?["text"] as? String, text, file: file, line: line)
    }

    private func records(_ response: HTTPTestResponse) -> [[String: Any]] {
        response.json["data"] as? [[String: Any]] ?? []
    }

    /// The `data.errors` of an envelope as `id → (label, messages)`.
    private func fieldErrors(_ response: HTTPTestResponse) -> [String: (label: String, messages: [String])] {
        let data = response.json["data"] as? [String: Any]
        var errors: [String: (label: String, messages: [String])] = [:]
        for entry in data?["errors"] as? [[String: Any]] ?? [] {
            guard let id = entry["id"] as? String else { continue }
            errors[id] = (entry["label"] as? String ?? "", entry["errors"] as? [String] ?? [])
        }
        return errors
    }

    // MARK: Seeding

    func testSeedDemoImportsTheSampleOnceAndEnsuresTheDemoUsers() async throws {
        let scopes = try await harness.service.context.queries.scopes(of: Self.mary)
        XCTAssertEqual(scopes, ["super:*"])
        let hashes = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT emp_no, password_hash FROM credentials ORDER BY emp_no").map {
                (try $0.decode(Int.self, column: 0), try $0.decode(String.self, column: 1))
            }
        }
        XCTAssertEqual(hashes.map(\.0), [10005, 10011, 10045, 67000, 262556, 500222], "only the demo users have a password")
        let hasher = PasswordHasher()
        for (empNo, hash) in hashes {
            XCTAssertTrue(hasher.verify("password", against: hash), "demo user \(empNo) logs in with 'password'")
        }
        let employees = try await log("SELECT count(*)::int8 FROM employees")
        XCTAssertEqual(employees, 10)

        let before = try await log("SELECT position FROM event_log_head")
        let again = try await seed()
        XCTAssertEqual(again.created, 0)
        XCTAssertEqual(again.alreadyPresent, 7)
        XCTAssertEqual(again.demoUsersCreated + again.demoPasswordsSet + again.demoScopesGranted, 0)
        let after = try await log("SELECT position FROM event_log_head")
        XCTAssertEqual(before, after, "a second run appends nothing")
        let next = try await log("SELECT nextval('employee_numbers')")
        XCTAssertGreaterThan(next, Self.beHai, "new employees are numbered after every seeded one")
    }

    // MARK: /admin/me and /api/me

    func testMeAnswersTheCallersRecordAndScopesInTheEnvelope() async throws {
        for path in ["/admin/me", "/api/me"] {
            let me = try await get(path, as: Self.beHai)
            assertEnvelope(me, 200, "")
            let data = try XCTUnwrap(me.json["data"] as? [String: Any])
            XCTAssertEqual(data["emp_no"] as? Int, Self.beHai)
            XCTAssertEqual(data["email"] as? String, "behai_nguyen@hotmail.com")
            XCTAssertEqual(data["first_name"] as? String, "Be Hai")
            XCTAssertEqual(data["last_name"] as? String, "Nguyen")
            XCTAssertEqual(data["birth_date"] as? String, "09/12/1978")
            XCTAssertEqual(data["hire_date"] as? String, "08/10/2022")
            XCTAssertEqual(data["scopes"] as? [String], ["user:read", "user:write"])
        }
        assertEnvelope(try await get("/admin/me", as: Self.moss), 403, "Not enough permissions")
    }

    func testUnauthenticatedAndExpiredCallsAre401InTheEnvelopeNotARedirect() async throws {
        let anonymous = try await get("/admin/me", as: nil)
        assertEnvelope(anonymous, 401, "Not authenticated")
        XCTAssertEqual(anonymous.header("WWW-Authenticate"), "Bearer realm=\"employees\"")
        XCTAssertNil(anonymous.header("Location"))

        let issuedAnHourAgo = AccessTokenIssuer(
            keys: harness.service.keys, issuer: EmployeeService.issuer, audience: EmployeeService.audience,
            lifetime: .seconds(60), now: { Date().addingTimeInterval(-3600) })
        let expired = try issuedAnHourAgo.issue(empNo: Int64(Self.beHai), clientID: "tests", scopes: [.userRead, .userWrite])
            .token
        for path in ["/admin/me", "/api/me", "/emp/own-get-update/\(Self.beHai)"] {
            let response = try await client.json("GET", path, token: expired)
            bodies.append(response.text)
            assertEnvelope(response, 401, "Could not validate credentials")
            XCTAssertTrue(response.header("WWW-Authenticate")?.contains("invalid_token") == true)
        }
        let form = try await client.form("/emp/user-save", [("empNo", "\(Self.beHai)")])
        assertEnvelope(form, 401, "Not authenticated")
    }

    // MARK: Search

    func testSearchTakesLikePatternsAndAnswersTheOriginalRecords() async throws {
        for method in ["GET", "POST"] {
            let response = try await client.json(method, "/emp/search/%25nas%25/%25An", token: try token(Self.kyoichi))
            bodies.append(response.text)
            assertEnvelope(response, 200, "Data has been retrieved successfully.")
            let found = records(response)
            XCTAssertEqual(found.map { $0["emp_no"] as? Int }, [12483, 18671], "case-insensitive, in emp_no order")
            XCTAssertEqual(found.first?["email"] as? String, "niranjan.gornas.12483@gmail.com")
            XCTAssertEqual(found.first?["birth_date"] as? String, "19/10/1959")
            XCTAssertEqual(found.first?["hire_date"] as? String, "10/01/1990")
            XCTAssertEqual(found.first?["gender"] as? String, "M")
        }
        let none = try await get("/emp/search/%25zzz%25/%25", as: Self.kyoichi)
        assertEnvelope(none, 200, "No data for the selection criteria.")
        XCTAssertTrue(records(none).isEmpty)

        let noWildcards = try await get("/emp/search/nas/An", as: Self.kyoichi)
        assertEnvelope(noWildcards, 400, "The search patterns are invalid")
        let errors = fieldErrors(noWildcards)
        XCTAssertEqual(errors["last_name"]?.label, "Partial Last Name")
        XCTAssertEqual(errors["first_name"]?.label, "Partial First Name")
        XCTAssertEqual(errors["first_name"]?.messages, [CompatibilityOperations.partialFirstNameMessage])

        let tooLong = try await get("/emp/search/%25abcdefghijklmnop/%25", as: Self.kyoichi)
        assertEnvelope(tooLong, 400, "The search patterns are invalid")
        XCTAssertEqual(Set(fieldErrors(tooLong).keys), ["last_name"], "17 characters with the %")

        assertEnvelope(try await get("/emp/search/%25nas%25/%25An", as: Self.beHai), 403, "Not enough permissions")
    }

    // MARK: Own record versus any record

    func testAdminGetUpdateReadsAnyRecordAndOwnGetUpdateOnlyOnesOwnEvenForAdmins() async throws {
        let admin = try await get("/emp/admin-get-update/\(Self.beHai)", as: Self.mary)
        assertEnvelope(admin, 200, "Data has been retrieved successfully.")
        XCTAssertEqual(records(admin).count, 1)
        XCTAssertEqual(records(admin).first?["email"] as? String, "behai_nguyen@hotmail.com")
        XCTAssertEqual(records(admin).first?["birth_date"] as? String, "09/12/1978")
        assertEnvelope(
            try await get("/emp/admin-get-update/\(Self.beHai)", as: Self.kyoichi), 200, "Data has been retrieved successfully.")
        assertEnvelope(try await get("/emp/admin-get-update/\(Self.kyoichi)", as: Self.beHai), 403, "Not enough permissions")

        let own = try await get("/emp/own-get-update/\(Self.beHai)", as: Self.beHai)
        assertEnvelope(own, 200, "Data has been retrieved successfully.")
        XCTAssertEqual(records(own).first?["first_name"] as? String, "Be Hai")
        assertEnvelope(
            try await get("/emp/own-get-update/\(Self.kyoichi)", as: Self.kyoichi), 200, "Data has been retrieved successfully.")
        for admin in [Self.kyoichi, Self.mary] {
            let refused = try await get("/emp/own-get-update/\(Self.beHai)", as: admin)
            assertEnvelope(refused, 403, "Not enough permissions")
        }

        let missing = try await get("/emp/admin-get-update/999999", as: Self.mary)
        assertEnvelope(missing, 404, "No data for the selection criteria.")
        XCTAssertNil(missing.json["data"])
        let notANumber = try await get("/emp/admin-get-update/abc", as: Self.mary)
        XCTAssertEqual(notANumber.status, 400)
        XCTAssertEqual(fieldErrors(notANumber)["emp_no"]?.label, "Employee Number")
    }

    // MARK: Saving

    private let newEmployee: [(String, String)] = [
        ("empNo", ""), ("email", "behai_nguyen_1@hotmail.com"), ("password", "violet tramway nineteen lanterns"),
        ("birthDate", "25/12/1971"), ("firstName", "Be Hai"), ("lastName", "Doe"), ("gender", "M"), ("hireDate", "17/9/1995"),
    ]

    private func replacing(_ fields: [(String, String)], _ changes: [String: String]) -> [(String, String)] {
        var result = fields.map { ($0.0, changes[$0.0] ?? $0.1) }
        for (name, value) in changes where !fields.contains(where: { $0.0 == name }) { result.append((name, value)) }
        return result
    }

    func testAdminSaveCreatesWithoutEmpNoAndUpdatesWithItIgnoringEmailAndPassword() async throws {
        let created = try await post("/emp/admin-save", as: Self.mary, newEmployee)
        assertEnvelope(created, 200, "Data has been saved successfully.")
        let data = try XCTUnwrap(created.json["data"] as? [String: Any])
        let newList = try XCTUnwrap(data["employees_new_list"] as? [[String: Any]])
        XCTAssertEqual((data["employees_updated_list"] as? [Any])?.count, 0)
        XCTAssertEqual(newList.count, 1)
        let empNo = try XCTUnwrap(newList.first?["emp_no"] as? Int)
        XCTAssertGreaterThan(empNo, Self.beHai, "numbered after the seeded employees, as the original's > 499999")
        XCTAssertEqual(newList.first?["email"] as? String, "behai_nguyen_1@hotmail.com")
        XCTAssertEqual(newList.first?["birth_date"] as? String, "1971-12-25", "save lists carry the written ISO dates")
        XCTAssertEqual(created.header("Location"), "/employees/\(empNo)")

        let read = try await get("/emp/admin-get-update/\(empNo)", as: Self.mary)
        XCTAssertEqual(records(read).first?["birth_date"] as? String, "25/12/1971")
        XCTAssertEqual(records(read).first?["hire_date"] as? String, "17/09/1995", "leading zeros, as the original")
        let hash = try await harness.service.context.pool.withConnection { connection in
            try connection.query("SELECT password_hash FROM credentials WHERE emp_no = \(empNo)").first?.decode(
                String.self, column: 0)
        }
        XCTAssertTrue(PasswordHasher().verify("violet tramway nineteen lanterns", against: try XCTUnwrap(hash)))

        let updated = try await post(
            "/emp/admin-save", as: Self.kyoichi,
            replacing(
                newEmployee,
                ["empNo": "\(empNo)", "gender": "F", "hireDate": "11/8/2005", "email": "x@example.com", "password": "x"]))
        assertEnvelope(updated, 200, "Data has been saved successfully.")
        let updatedData = try XCTUnwrap(updated.json["data"] as? [String: Any])
        XCTAssertEqual((updatedData["employees_new_list"] as? [Any])?.count, 0)
        let updatedList = try XCTUnwrap(updatedData["employees_updated_list"] as? [[String: Any]])
        XCTAssertEqual(updatedList.first?["emp_no"] as? Int, empNo)
        XCTAssertNil(updatedList.first?["email"])

        let reread = records(try await get("/emp/admin-get-update/\(empNo)", as: Self.mary)).first
        XCTAssertEqual(reread?["gender"] as? String, "F")
        XCTAssertEqual(reread?["hire_date"] as? String, "11/08/2005")
        XCTAssertEqual(reread?["email"] as? String, "behai_nguyen_1@hotmail.com", "email is not updated")

        let readOnlyAdmin = try await post(
            "/emp/admin-save", as: Self.weijing, replacing(newEmployee, ["empNo": "\(Self.nidapan)"]))
        assertEnvelope(readOnlyAdmin, 403, "Not enough permissions")
        let missing = try await post("/emp/admin-save", as: Self.mary, replacing(newEmployee, ["empNo": "999999"]))
        assertEnvelope(missing, 404, "No data for the selection criteria.")
    }

    private let beHaiUpdate: [(String, String)] = [
        ("empNo", "500222"), ("birthDate", "09/12/1978"), ("firstName", "Be Hai"), ("lastName", "Nguyen"), ("gender", "M"),
        ("hireDate", "18/1/2018"),
    ]

    func testUserSaveUpdatesOnlyOnesOwnRecord() async throws {
        let own = try await post("/emp/user-save", as: Self.beHai, beHaiUpdate)
        assertEnvelope(own, 200, "Data has been saved successfully.")
        let read = try await get("/emp/own-get-update/\(Self.beHai)", as: Self.beHai)
        XCTAssertEqual(records(read).first?["hire_date"] as? String, "18/01/2018")
        XCTAssertEqual(records(read).first?["email"] as? String, "behai_nguyen@hotmail.com")

        let before = try await log("SELECT position FROM event_log_head")
        let other = try await post("/emp/user-save", as: Self.beHai, replacing(beHaiUpdate, ["empNo": "\(Self.kyoichi)"]))
        assertEnvelope(other, 403, "Not enough permissions")
        let readOnly = try await post(
            "/emp/user-save", as: Self.nidapan,
            [
                ("empNo", "262556"), ("birthDate", "03/04/1953"), ("firstName", "Nidapan"), ("lastName", "Samarati"),
                ("gender", "M"), ("hireDate", "25/10/1997"),
            ])
        assertEnvelope(readOnly, 403, "Not enough permissions")
        let after = try await log("SELECT position FROM event_log_head")
        XCTAssertEqual(before, after, "refused saves append nothing")
        await harness.service.context.securityLog.flush()
        let denials = try await log("SELECT count(*)::int8 FROM security_log WHERE reason = 'not_own_record:compatUserSave'")
        XCTAssertEqual(denials, 1)

        let noEmpNo = try await post("/emp/user-save", as: Self.beHai, beHaiUpdate.filter { $0.0 != "empNo" })
        assertEnvelope(noEmpNo, 422, "One or more fields are invalid")
        XCTAssertEqual(fieldErrors(noEmpNo)["emp_no"]?.label, "Employee Number")
    }

    func testADuplicateEmailIsAConflictWithTheOriginalMessage() async throws {
        for email in ["behai_nguyen@hotmail.com", "BeHai_Nguyen@HOTMAIL.com"] {
            let duplicate = try await post("/emp/admin-save", as: Self.mary, replacing(newEmployee, ["email": email]))
            assertEnvelope(duplicate, 409, "Can't accept this email. Please specify another")
            let errors = fieldErrors(duplicate)
            XCTAssertEqual(errors.count, 1)
            XCTAssertEqual(errors["email"]?.label, "Email")
            XCTAssertEqual(errors["email"]?.messages, ["Can't accept this email. Please specify another"])
        }
    }

    // MARK: Validation

    func testValidationErrorsNameTheOriginalFields() async throws {
        let blank = try await post("/emp/admin-save", as: Self.mary, newEmployee.map { ($0.0, "") })
        assertEnvelope(blank, 422, "One or more fields are invalid")
        XCTAssertEqual(
            Set(fieldErrors(blank).keys), ["email", "password", "birth_date", "first_name", "last_name", "gender", "hire_date"],
            "seven errors, as the original's all-blank test")
        XCTAssertEqual(fieldErrors(blank)["birth_date"]?.label, "Birth Date")

        let hiredBeforeBorn = try await post("/emp/admin-save", as: Self.mary, replacing(newEmployee, ["hireDate": "17/9/1970"]))
        assertEnvelope(hiredBeforeBorn, 422, "One or more fields are invalid")
        XCTAssertEqual(Set(fieldErrors(hiredBeforeBorn).keys), ["hire_date"])
        XCTAssertEqual(fieldErrors(hiredBeforeBorn)["hire_date"]?.label, "Hire Date")

        let cases: [(String, String, String)] = [
            ("gender", "X", "gender"), ("birthDate", "31/2/1990", "birth_date"), ("hireDate", "2020/01/01", "hire_date"),
            ("firstName", "Abcdefghijklmno", "first_name"), ("lastName", String(repeating: "z", count: 17), "last_name"),
            ("email", "not an address", "email"), ("password", "password", "password"),
        ]
        for (name, value, field) in cases {
            let response = try await post("/emp/admin-save", as: Self.mary, replacing(newEmployee, [name: value]))
            XCTAssertEqual(response.status, 422, "\(name)=\(value): \(response.text)")
            XCTAssertEqual(Set(fieldErrors(response).keys), [field], "\(name)=\(value)")
        }

        let updateMissingFields = try await post(
            "/emp/user-save", as: Self.beHai, beHaiUpdate.filter { $0.0 != "gender" && $0.0 != "lastName" })
        assertEnvelope(updateMissingFields, 422, "One or more fields are invalid")
        XCTAssertEqual(Set(fieldErrors(updateMissingFields).keys), ["gender", "last_name"])
        let updateHiredBeforeBorn = try await post(
            "/emp/user-save", as: Self.beHai, replacing(beHaiUpdate, ["hireDate": "1/1/1970"]))
        XCTAssertEqual(Set(fieldErrors(updateHiredBeforeBorn).keys), ["hire_date"])

        let json = try await client.json("POST", "/emp/user-save", token: try token(Self.beHai), body: ["empNo": "500222"])
        bodies.append(json.text)
        assertEnvelope(json, 415, "The body must be application/x-www-form-urlencoded")
    }
}
