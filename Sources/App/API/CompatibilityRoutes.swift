import Employees
import Foundation
import HTTP
import Records
import Security

/// The original FastAPI system's routes (behai-nguyen/fastapi_learning), with its scopes, form fields, field names,
/// envelope and texts, so that its REST clients can switch over. Its flaws are not carried over: statuses are real,
/// no password hash is ever answered, passwords follow `PasswordPolicy`. README.md lists every difference.
enum CompatibilityRoutes {
    static let adminMe = "/admin/me"
    static let apiMe = "/api/me"
    static let search = "/emp/search/{last_name}/{first_name}"
    static let adminGetUpdate = "/emp/admin-get-update/{emp_no:int}"
    static let ownGetUpdate = "/emp/own-get-update/{emp_no:int}"
    static let adminSave = "/emp/admin-save"
    static let userSave = "/emp/user-save"

    /// The most rows one search answers; the original had no bound, which let `%`/`%` dump the whole table.
    static let maximumSearchResults = 1000

    static func register(in table: inout RouteTable, context: APIContext) throws(RouterError) {
        typealias Handler = @Sendable (APIRequest, APIContext) async throws -> HTTPResponse
        typealias PageHandler = @Sendable (APIRequest, EmployeePages) async throws -> HTTPResponse
        let routes: [(HTTPMethod, String, String, String, Access, Handler, PageHandler?)] = [
            (
                .GET, adminMe, "compatAdminMe", "The caller's own record and scopes (original system)", .scopes([.userRead]), me,
                nil
            ),
            (.GET, apiMe, "compatApiMe", "The caller's own record and scopes (original system)", .scopes([.userRead]), me, nil),
            (
                .GET, search, "compatSearchGet", "Search by LIKE patterns on last and first name (original system)",
                .scopes([.adminRead]), searchEmployees, { try await $1.results($0) }
            ),
            (
                .POST, search, "compatSearchPost", "Search by LIKE patterns on last and first name (original system)",
                .scopes([.adminRead]), searchEmployees, { try await $1.results($0) }
            ),
            (
                .GET, adminGetUpdate, "compatAdminGetUpdate", "Read any employee for editing (original system)",
                .scopes([.adminRead]), employeeForUpdate, { try await $1.record($0, editing: .anyRecord) }
            ),
            (
                .GET, ownGetUpdate, "compatOwnGetUpdate", "Read one's own record for editing (original system)",
                .ownRecordOnly([.userRead]), employeeForUpdate, { try await $1.record($0, editing: .ownRecord) }
            ),
            (
                .POST, adminSave, "compatAdminSave", "Create or update any employee from a form (original system)",
                .scopes([.adminWrite]), saveAsAdmin, { try await $1.save($0, as: .anyRecord) }
            ),
            (
                .POST, userSave, "compatUserSave", "Update one's own record from a form (original system)",
                .scopes([.userWrite]), saveOwn, { try await $1.save($0, as: .ownRecord) }
            ),
        ]
        let pages = EmployeePages(context: context)
        for (method, pattern, operationID, summary, access, handler, page) in routes {
            var route = Route(operationID: operationID, summary: summary, access: access) { try await handler($0, context) }
            if let page { route.page = { request in try await page(request, pages) } }
            try table.add(method, pattern, route)
        }
    }

    /// Whether a raw request path belongs to the original system's routes: all their answers use the envelope,
    /// including the router's (an `emp_no` that is not an integer, a method not allowed).
    static func serves(rawPath: String) -> Bool {
        rawPath == adminMe || rawPath == apiMe || rawPath.hasPrefix("/emp/")
    }

    /// The original's labels for the fields its errors name.
    static func labels(for pattern: String?) -> [String: String] {
        if pattern == search { return ["last_name": "Partial Last Name", "first_name": "Partial First Name"] }
        return [
            "emp_no": "Employee Number", "email": "Email", "password": "Password", "birth_date": "Birth Date",
            "first_name": "First Name", "last_name": "Last Name", "gender": "Gender", "hire_date": "Hire Date",
        ]
    }

    // MARK: Reads

    static func me(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let caller = try request.caller
        let empNo = Int(caller.empNo)
        let (found, scopes) = try await context.reads.run(request.http) { target in
            (try await target.queries.employee(empNo), try await target.queries.scopes(of: empNo))
        }
        guard let record = found else { throw CommandError.notFound }
        return try CompatibilityResponse.success(text: "", data: CompatibilityMe(record, scopes: scopes))
    }

    static let partialLastNameMessage =
        "Please provide partial search last name between 1 and 16 characters, must include wildcard %. E.g. %nas%"
    static let partialFirstNameMessage =
        "Please provide partial search first name between 1 and 14 characters, must include wildcard %. E.g. %An"

    static func searchEmployees(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let (lastName, firstName) = try searchPatterns(request.http)
        let page = try await context.reads.run(request.http) {
            try await $0.queries.search(lastName: lastName, firstName: firstName, limit: maximumSearchResults, after: 0)
        }
        return try CompatibilityResponse.success(
            text: page.items.isEmpty ? CompatibilityText.noData : CompatibilityText.retrieved,
            data: page.items.map(CompatibilityEmployee.init))
    }

    /// The path's two patterns, checked by the original's rules; shared with the search page.
    static func searchPatterns(_ request: HTTPRequest) throws(HTTPError) -> (lastName: String, firstName: String) {
        let lastName = TextNormalization.nfc(request.pathParameters.string("last_name")) ?? ""
        let firstName = TextNormalization.nfc(request.pathParameters.string("first_name")) ?? ""
        var errors: [HTTPFieldError] = []
        if !isPartialPattern(lastName, maximum: LastName.maximumLength) {
            errors.append(HTTPFieldError(field: "last_name", message: partialLastNameMessage))
        }
        if !isPartialPattern(firstName, maximum: FirstName.maximumLength) {
            errors.append(HTTPFieldError(field: "first_name", message: partialFirstNameMessage))
        }
        guard errors.isEmpty else {
            throw HTTPError(.badRequest, detail: "The search patterns are invalid", fieldErrors: errors)
        }
        return (lastName, firstName)
    }

    /// The original's rule: 1 to `maximum` characters (counted as PostgreSQL counts them) including a `%`.
    static func isPartialPattern(_ pattern: String, maximum: Int) -> Bool {
        (1...maximum).contains(pattern.unicodeScalars.count) && pattern.contains("%")
    }

    /// `admin-get-update` and `own-get-update`: the routes differ only in their access declarations.
    static func employeeForUpdate(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let record = try await recordForUpdate(request, context)
        return try CompatibilityResponse.success(text: CompatibilityText.retrieved, data: [CompatibilityEmployee(record)])
    }

    /// The record the path names; shared with the record pages.
    static func recordForUpdate(_ request: APIRequest, _ context: APIContext) async throws -> EmployeeRecord {
        let empNo = try EmployeeRoutes.employeeNumber(request)
        guard let record = try await context.reads.run(request.http, { try await $0.queries.employee(empNo) }) else {
            throw CommandError.notFound
        }
        return record
    }

    // MARK: Writes

    /// What a save did: the record as written, and whether it was created. The JSON routes answer it in the
    /// envelope; the console's forms redirect to the record's page.
    struct Saved: Sendable {
        let record: EmployeeRecord
        let created: Bool
    }

    static func saveResponse(_ saved: Saved) throws -> HTTPResponse {
        guard saved.created else {
            return try CompatibilityResponse.success(
                text: CompatibilityText.saved,
                data: SaveResult(created: [], updated: [SavedEmployee(saved.record, withEmail: false)]))
        }
        return try CompatibilityResponse.success(
            text: CompatibilityText.saved, data: SaveResult(created: [SavedEmployee(saved.record, withEmail: true)], updated: []),
            headers: ["Location": "/employees/\(saved.record.empNo)"])
    }

    /// No `empNo` (absent or blank) creates an employee, email and password required; an `empNo` updates that
    /// employee and ignores email and password, as in the original.
    static func saveAsAdmin(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        try saveResponse(try await adminSave(request, context))
    }

    static func adminSave(_ request: APIRequest, _ context: APIContext) async throws -> Saved {
        let form = try FormBody(request.http)
        let actor = try request.actor()
        guard let empNoText = form["empNo"], !empNoText.trimmingCharacters(in: .whitespaces).isEmpty else {
            return Saved(record: try await create(form, actor, context), created: true)
        }
        return Saved(record: try await update(try employeeNumber(empNoText), form, actor, context), created: false)
    }

    /// Updates the caller's own record only; any other `empNo` is refused (and logged) as not permitted.
    static func saveOwn(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        try saveResponse(try await ownSave(request, context))
    }

    static func ownSave(_ request: APIRequest, _ context: APIContext) async throws -> Saved {
        let form = try FormBody(request.http)
        let caller = try request.caller
        let empNo = try employeeNumber(form["empNo"] ?? "")
        guard Int64(empNo.value) == caller.empNo else {
            context.securityLog.record(
                .denied(principal: caller.subject, route: "compatUserSave", reason: "not_own_record", request: request.http))
            throw HTTPError(.forbidden, detail: CompatibilityText.notEnoughPermissions)
        }
        return Saved(record: try await update(empNo, form, try request.actor(), context), created: false)
    }

    static func employeeNumber(_ text: String) throws(ValidationErrors) -> EmployeeNumber {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ValidationErrors([FieldError(.empNo, .required)]) }
        do {
            return try EmployeeNumber(parsing: trimmed)
        } catch {
            throw ValidationErrors([error])
        }
    }

    static func create(_ form: FormBody, _ actor: Actor, _ context: APIContext) async throws -> EmployeeRecord {
        let fields = TextNormalization.normalized(
            EmployeeFields(
                firstName: form["firstName"], lastName: form["lastName"], birthDate: form["birthDate"], gender: form["gender"],
                hireDate: form["hireDate"], email: form["email"]))
        var errors: [HTTPFieldError] = []
        do {
            _ = try EmployeeProfile(validating: fields, today: context.today())
        } catch {
            errors += error.errors.map { HTTPFieldError(field: $0.field.rawValue, message: $0.message) }
        }
        let password = form["password"] ?? ""
        if password.isEmpty {
            errors.append(HTTPFieldError(field: "password", message: "is required"))
        } else {
            let names = [fields.firstName, fields.lastName].compactMap { $0 }
            errors += context.passwords.violations(of: password, email: fields.email, names: names)
                .map { HTTPFieldError(field: $0.field, message: $0.message) }
        }
        guard errors.isEmpty else { throw RequestBodyError.invalidFields(errors) }
        let hash = try await context.passwords.hash(password)
        let outcome = try await context.commands.create(fields, passwordHash: hash, by: actor)
        guard let record = try await context.queries.employee(outcome.empNo.value) else { throw CommandError.unavailable }
        return record
    }

    /// The original's form sends every personal field on an update; a missing one is an error, not "unchanged".
    static func update(
        _ empNo: EmployeeNumber, _ form: FormBody, _ actor: Actor, _ context: APIContext
    ) async throws -> EmployeeRecord {
        let submitted: [(field: EmployeeField, value: String?)] = [
            (.firstName, form["firstName"]), (.lastName, form["lastName"]), (.birthDate, form["birthDate"]),
            (.gender, form["gender"]), (.hireDate, form["hireDate"]),
        ]
        let missing = submitted.filter { $0.value == nil }.map { FieldError($0.field, .required) }
        guard missing.isEmpty else { throw ValidationErrors(missing) }
        let changes = EmployeeChanges(
            firstName: form["firstName"], lastName: form["lastName"], birthDate: form["birthDate"], gender: form["gender"],
            hireDate: form["hireDate"])
        _ = try await context.commands.execute(.update(changes), on: empNo, by: actor)
        guard let record = try await context.queries.employee(empNo.value) else { throw CommandError.notFound }
        return record
    }
}

/// `d/m/yyyy` as the original answers it: day and month always two digits (`09/12/1978`).
enum CompatibilityDate {
    /// Written digit by digit: `String(format:)` costs microseconds a call, and a page of search results has a
    /// hundred dates.
    static func dayMonthYear(iso: String) -> String {
        // The projection's dates are always `yyyy-mm-dd`: rearranged as bytes without parsing.
        let bytes = Array(iso.utf8)
        if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) })
        {
            let slash = UInt8(ascii: "/")
            return String(decoding: [bytes[8], bytes[9], slash, bytes[5], bytes[6], slash] + bytes[0..<4], as: UTF8.self)
        }
        guard let date = try? CalendarDate(iso: iso) else { return iso }
        return padded(date.day, 2) + "/" + padded(date.month, 2) + "/" + padded(date.year, 4)
    }

    private static func padded(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// An employee as the original's reads answer it, minus the password hash the original leaked.
struct CompatibilityEmployee: Encodable, Sendable {
    let empNo: Int
    let email: String
    let birthDate: String
    let firstName: String
    let lastName: String
    let gender: String
    let hireDate: String

    init(_ record: EmployeeRecord) {
        empNo = record.empNo
        email = record.email
        birthDate = CompatibilityDate.dayMonthYear(iso: record.birthDate)
        firstName = record.firstName
        lastName = record.lastName
        gender = record.gender
        hireDate = CompatibilityDate.dayMonthYear(iso: record.hireDate)
    }

    enum CodingKeys: String, CodingKey {
        case empNo = "emp_no"
        case email
        case birthDate = "birth_date"
        case firstName = "first_name"
        case lastName = "last_name"
        case gender
        case hireDate = "hire_date"
    }
}

/// `/admin/me` and `/api/me`: the record plus the scopes granted to the caller.
struct CompatibilityMe: Encodable, Sendable {
    let employee: CompatibilityEmployee
    let scopes: [String]

    init(_ record: EmployeeRecord, scopes: [String]) {
        employee = CompatibilityEmployee(record)
        self.scopes = scopes
    }

    enum CodingKeys: String, CodingKey {
        case scopes
    }

    func encode(to encoder: any Encoder) throws {
        try employee.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scopes, forKey: .scopes)
    }
}

/// A written record as the original's save answers list it: ISO dates (the original listed what it had written),
/// the email only for a new employee, never the password.
struct SavedEmployee: Encodable, Sendable {
    let empNo: Int
    let email: String?
    let birthDate: String
    let firstName: String
    let lastName: String
    let gender: String
    let hireDate: String

    init(_ record: EmployeeRecord, withEmail: Bool) {
        empNo = record.empNo
        email = withEmail ? record.email : nil
        birthDate = record.birthDate
        firstName = record.firstName
        lastName = record.lastName
        gender = record.gender
        hireDate = record.hireDate
    }

    enum CodingKeys: String, CodingKey {
        case empNo = "emp_no"
        case email
        case birthDate = "birth_date"
        case firstName = "first_name"
        case lastName = "last_name"
        case gender
        case hireDate = "hire_date"
    }
}

/// `{"employees_new_list": [...], "employees_updated_list": [...]}`: one of the two holds the saved record.
struct SaveResult: Encodable, Sendable {
    let created: [SavedEmployee]
    let updated: [SavedEmployee]

    enum CodingKeys: String, CodingKey {
        case created = "employees_new_list"
        case updated = "employees_updated_list"
    }
}
