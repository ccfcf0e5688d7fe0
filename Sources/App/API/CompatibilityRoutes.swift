import Employees
import Foundation
import HTTP
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
        for (pattern, operationID) in [(adminMe, "compatAdminMe"), (apiMe, "compatApiMe")] {
            try table.add(
                .GET, pattern,
                Route(
                    operationID: operationID, summary: "The caller's own record and scopes (original system)",
                    access: .scopes([.userRead])
                ) {
                    try await me($0, context)
                })
        }
        for method in [HTTPMethod.GET, .POST] {
            try table.add(
                method, search,
                Route(
                    operationID: "compatSearch\(method == .GET ? "Get" : "Post")",
                    summary: "Search by LIKE patterns on last and first name (original system)", access: .scopes([.adminRead])
                ) {
                    try await searchEmployees($0, context)
                })
        }
        try table.add(
            .GET, adminGetUpdate,
            Route(
                operationID: "compatAdminGetUpdate", summary: "Read any employee for editing (original system)",
                access: .scopes([.adminRead])
            ) {
                try await employeeForUpdate($0, context)
            })
        try table.add(
            .GET, ownGetUpdate,
            Route(
                operationID: "compatOwnGetUpdate", summary: "Read one's own record for editing (original system)",
                access: .ownRecordOnly([.userRead])
            ) {
                try await employeeForUpdate($0, context)
            })
        try table.add(
            .POST, adminSave,
            Route(
                operationID: "compatAdminSave", summary: "Create or update any employee from a form (original system)",
                access: .scopes([.adminWrite])
            ) {
                try await saveAsAdmin($0, context)
            })
        try table.add(
            .POST, userSave,
            Route(
                operationID: "compatUserSave", summary: "Update one's own record from a form (original system)",
                access: .scopes([.userWrite])
            ) {
                try await saveOwn($0, context)
            })
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
        guard let record = try await context.queries.employee(Int(caller.empNo)) else { throw CommandError.notFound }
        let scopes = try await context.queries.scopes(of: Int(caller.empNo))
        return try CompatibilityResponse.success(text: "", data: CompatibilityMe(record, scopes: scopes))
    }

    static let partialLastNameMessage =
        "Please provide partial search last name between 1 and 16 characters, must include wildcard %. E.g. %nas%"
    static let partialFirstNameMessage =
        "Please provide partial search first name between 1 and 14 characters, must include wildcard %. E.g. %An"

    static func searchEmployees(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let lastName = TextNormalization.nfc(request.http.pathParameters.string("last_name")) ?? ""
        let firstName = TextNormalization.nfc(request.http.pathParameters.string("first_name")) ?? ""
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
        let page = try await context.queries.search(
            lastName: lastName, firstName: firstName, limit: maximumSearchResults, after: 0)
        return try CompatibilityResponse.success(
            text: page.items.isEmpty ? CompatibilityText.noData : CompatibilityText.retrieved,
            data: page.items.map(CompatibilityEmployee.init))
    }

    /// The original's rule: 1 to `maximum` characters (counted as PostgreSQL counts them) including a `%`.
    static func isPartialPattern(_ pattern: String, maximum: Int) -> Bool {
        (1...maximum).contains(pattern.unicodeScalars.count) && pattern.contains("%")
    }

    /// `admin-get-update` and `own-get-update`: the routes differ only in their access declarations.
    static func employeeForUpdate(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let empNo = try EmployeeRoutes.employeeNumber(request)
        guard let record = try await context.queries.employee(empNo) else { throw CommandError.notFound }
        return try CompatibilityResponse.success(text: CompatibilityText.retrieved, data: [CompatibilityEmployee(record)])
    }

    // MARK: Writes

    /// No `empNo` (absent or blank) creates an employee, email and password required; an `empNo` updates that
    /// employee and ignores email and password, as in the original.
    static func saveAsAdmin(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let form = try FormBody(request.http)
        let actor = try request.actor()
        guard let empNoText = form["empNo"], !empNoText.trimmingCharacters(in: .whitespaces).isEmpty else {
            return try await create(form, actor, context)
        }
        return try await update(try employeeNumber(empNoText), form, actor, context)
    }

    /// Updates the caller's own record only; any other `empNo` is refused (and logged) as not permitted.
    static func saveOwn(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let form = try FormBody(request.http)
        let caller = try request.caller
        let empNo = try employeeNumber(form["empNo"] ?? "")
        guard Int64(empNo.value) == caller.empNo else {
            context.securityLog.record(
                .denied(principal: caller.subject, route: "compatUserSave", reason: "not_own_record", request: request.http))
            throw HTTPError(.forbidden, detail: CompatibilityText.notEnoughPermissions)
        }
        return try await update(empNo, form, try request.actor(), context)
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

    static func create(_ form: FormBody, _ actor: Actor, _ context: APIContext) async throws -> HTTPResponse {
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
        return try CompatibilityResponse.success(
            text: CompatibilityText.saved, data: SaveResult(created: [SavedEmployee(record, withEmail: true)], updated: []),
            headers: ["Location": "/employees/\(record.empNo)"])
    }

    /// The original's form sends every personal field on an update; a missing one is an error, not "unchanged".
    static func update(
        _ empNo: EmployeeNumber, _ form: FormBody, _ actor: Actor, _ context: APIContext
    ) async throws -> HTTPResponse {
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
        return try CompatibilityResponse.success(
            text: CompatibilityText.saved, data: SaveResult(created: [], updated: [SavedEmployee(record, withEmail: false)]))
    }
}

/// `d/m/yyyy` as the original answers it: day and month always two digits (`09/12/1978`).
enum CompatibilityDate {
    static func dayMonthYear(iso: String) -> String {
        guard let date = try? CalendarDate(iso: iso) else { return iso }
        return String(format: "%02d/%02d/%04d", date.day, date.month, date.year)
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
