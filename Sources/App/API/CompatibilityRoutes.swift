import Console
import Employees
import Foundation
import HTTP
import Operations
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
                .POST, CompatibilityOperations.adminSave, "compatAdminSave",
                "Create or update any employee from a form (original system)",
                .scopes([.adminWrite]), saveAsAdmin, { try await $1.save($0, as: .anyRecord) }
            ),
            (
                .POST, CompatibilityOperations.userSave, "compatUserSave",
                "Update one's own record from a form (original system)",
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
        let (record, scopes) = try await EmployeeRoutes.callerRecord(request, context)
        return try CompatibilityResponse.success(text: "", data: CompatibilityMe(record, scopes: scopes))
    }

    static func searchEmployees(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let (lastName, firstName) = try CompatibilityOperations.searchPatterns(request.http)
        let page = try await context.reads.run(request.http) {
            try await $0.queries.search(lastName: lastName, firstName: firstName, limit: maximumSearchResults, after: 0)
        }
        return try CompatibilityResponse.success(
            text: page.items.isEmpty ? CompatibilityText.noData : CompatibilityText.retrieved,
            data: page.items.map(CompatibilityEmployee.init))
    }

    /// `admin-get-update` and `own-get-update`: the routes differ only in their access declarations.
    static func employeeForUpdate(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let record = try await CompatibilityOperations.recordForUpdate(request, context)
        return try CompatibilityResponse.success(text: CompatibilityText.retrieved, data: [CompatibilityEmployee(record)])
    }

    // MARK: Writes

    static func saveResponse(_ saved: CompatibilityOperations.Saved) throws -> HTTPResponse {
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
        try saveResponse(try await CompatibilityOperations.adminSave(request, context))
    }

    /// Updates the caller's own record only; any other `empNo` is refused (and logged) as not permitted.
    static func saveOwn(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        try saveResponse(try await CompatibilityOperations.ownSave(request, context))
    }
}
