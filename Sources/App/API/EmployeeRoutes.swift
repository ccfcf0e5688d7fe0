import CivilTime
import Employees
import Foundation
import HTTP
import Operations
import Records
import Security

/// The modern JSON API for employee records: create, read (also as of a past instant), partial update, search, me.
enum EmployeeRoutes {
    static let personalFields: Set<String> = ["first_name", "last_name", "birth_date", "gender", "hire_date"]

    static func register(in table: inout RouteTable, context: APIContext) throws(RouterError) {
        try table.add(
            .POST, "/employees",
            Route(operationID: "createEmployee", summary: "Create an employee", access: .scopes([.adminWrite])) { request in
                try await create(request, context)
            })
        try table.add(
            .GET, "/employees",
            Route(operationID: "searchEmployees", summary: "Search employees by name", access: .scopes([.adminRead])) { request in
                try await search(request, context)
            })
        try table.add(
            .GET, "/employees/{emp_no:int}",
            Route(
                operationID: "getEmployee", summary: "Read an employee (optionally as of an instant)",
                access: .ownRecordOr(own: [.userRead], any: [.adminRead])
            ) { request in
                try await read(request, context)
            })
        try table.add(
            .PATCH, "/employees/{emp_no:int}",
            Route(
                operationID: "updateEmployee", summary: "Change personal fields of an employee",
                access: .ownRecordOr(own: [.userWrite], any: [.adminWrite])
            ) { request in
                try await update(request, context)
            })
        try table.add(
            .GET, "/me",
            Route(operationID: "getMe", summary: "The caller's own record and current scopes", access: .authenticated) {
                request in
                try await me(request, context)
            })
    }

    static func create(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let body = try JSONObjectBody(request.http)
        try body.rejectUnknownFields(allowed: personalFields.union(["email", "password"]))
        var typeErrors: [HTTPFieldError] = []
        let fields = EmployeeFields(
            firstName: body.string("first_name", errors: &typeErrors), lastName: body.string("last_name", errors: &typeErrors),
            birthDate: body.string("birth_date", errors: &typeErrors), gender: body.string("gender", errors: &typeErrors),
            hireDate: body.string("hire_date", errors: &typeErrors), email: body.string("email", errors: &typeErrors))
        let password = body.string("password", errors: &typeErrors)
        guard typeErrors.isEmpty else { throw RequestBodyError.invalidFields(typeErrors) }
        var hash: String?
        if let password {
            let violations = context.passwords.violations(
                of: password, email: fields.email, names: [fields.firstName, fields.lastName].compactMap { $0 })
            if !violations.isEmpty {
                throw RequestBodyError.invalidFields(violations.map { HTTPFieldError(field: $0.field, message: $0.message) })
            }
            hash = try await context.passwords.hash(password)
        }
        let outcome = try await context.commands.create(fields, passwordHash: hash, by: request.actor())
        guard let record = EmployeeRecord(outcome) else { throw CommandError.unavailable }
        return JSONResponse.make(
            record, status: .created,
            headers: ["Location": "/employees/\(record.empNo)", "ETag": etag(record.version)])
    }

    static func read(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let empNo = try request.employeeNumber()
        let record: EmployeeRecord?
        if let asOf = request.http.query["as_of"] {
            guard let instant = ISO8601.date(from: asOf) else {
                throw RequestBodyError(
                    status: .badRequest, detail: "as_of must be an RFC 3339 timestamp or a date",
                    fieldErrors: [HTTPFieldError(field: "as_of", message: "must be an RFC 3339 timestamp or a date")])
            }
            record = try await context.reads.run(request.http) { try await $0.queries.employee(empNo, asOf: instant) }
        } else {
            record = try await context.reads.run(request.http) { try await $0.queries.employee(empNo) }
        }
        guard let record else { throw CommandError.notFound }
        return JSONResponse.make(record, headers: ["ETag": etag(record.version)])
    }

    static func update(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let empNo = try request.employeeNumber()
        let body = try JSONObjectBody(request.http)
        try body.rejectUnknownFields(allowed: personalFields, ignored: ["email", "password", "emp_no"])
        var typeErrors: [HTTPFieldError] = []
        let changes = EmployeeChanges(
            firstName: body.string("first_name", errors: &typeErrors), lastName: body.string("last_name", errors: &typeErrors),
            birthDate: body.string("birth_date", errors: &typeErrors), gender: body.string("gender", errors: &typeErrors),
            hireDate: body.string("hire_date", errors: &typeErrors))
        guard typeErrors.isEmpty else { throw RequestBodyError.invalidFields(typeErrors) }
        let expected = try ifMatchVersion(request.http)
        guard let number = EmployeeNumber(empNo) else { throw CommandError.notFound }
        let outcome = try await context.commands.execute(
            .update(changes), on: number, by: request.actor(), expectedVersion: expected)
        guard let record = EmployeeRecord(outcome) else { throw CommandError.notFound }
        return JSONResponse.make(record, headers: ["ETag": etag(record.version)])
    }

    static func search(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let query = request.http.query
        var errors: [HTTPFieldError] = []
        for name in query.repeatedNames { errors.append(HTTPFieldError(field: name, message: "must appear at most once")) }
        let limit = integer(query["limit"], field: "limit", default: 50, range: 1...500, errors: &errors)
        let after = integer(query["after"], field: "after", default: 0, range: 0...Int(Int32.max), errors: &errors)
        for (name, maximum) in [("last_name", LastName.maximumLength), ("first_name", FirstName.maximumLength)] {
            if let value = query[name], value.isEmpty || value.count > maximum {
                errors.append(HTTPFieldError(field: name, message: "must be 1 to \(maximum) characters"))
            }
        }
        guard errors.isEmpty else {
            throw RequestBodyError(status: .badRequest, detail: "Invalid query parameters", fieldErrors: errors)
        }
        let (lastName, firstName) = (TextNormalization.nfc(query["last_name"]), TextNormalization.nfc(query["first_name"]))
        let page = try await context.reads.run(request.http) {
            try await $0.queries.search(lastName: lastName, firstName: firstName, limit: limit, after: after)
        }
        return JSONResponse.make(page)
    }

    static func me(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let caller = try request.caller
        let (record, granted) = try await callerRecord(request, context)
        return try JSONResponse.make(
            Me(employee: record, scopes: granted, tokenScopes: caller.scopes.spaceDelimited),
            headers: ["ETag": etag(record.version)])
    }

    /// The caller's own record and the scopes granted to them now (`/me` and the original system's `me` routes).
    static func callerRecord(_ request: APIRequest, _ context: APIContext) async throws -> (EmployeeRecord, scopes: [String]) {
        let empNo = Int(try request.caller.empNo)
        let (found, scopes) = try await context.reads.run(request.http) { target in
            (try await target.queries.employee(empNo), try await target.queries.scopes(of: empNo))
        }
        guard let record = found else { throw CommandError.notFound }
        return (record, scopes)
    }

    struct Me: Encodable {
        let employee: EmployeeRecord
        /// The scopes granted to the employee now.
        let scopes: [String]
        /// What the presented token may do now (its scopes within the current ones, implication applied).
        let tokenScopes: String

        enum CodingKeys: String, CodingKey {
            case employee, scopes, tokenScopes = "token_scopes"
        }
    }

    static func etag(_ version: Int) -> String { "\"\(version)\"" }

    /// The version named by `If-Match` (`"3"`, or `*` / absent for none). A weak or unparsable tag is a 400.
    static func ifMatchVersion(_ request: HTTPRequest) throws(HTTPError) -> Int? {
        guard let value = request.headers["If-Match"]?.trimmingOptionalWhitespace, value != "*" else { return nil }
        guard value.count >= 3, value.hasPrefix("\""), value.hasSuffix("\""), let version = Int(value.dropFirst().dropLast()),
            version >= 0
        else {
            throw HTTPError(.badRequest, detail: "If-Match must be an ETag from this API, such as \"3\"")
        }
        return version
    }

    static func integer(
        _ text: String?, field: String, default defaultValue: Int, range: ClosedRange<Int>, errors: inout [HTTPFieldError]
    ) -> Int {
        guard let text else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            errors.append(
                HTTPFieldError(field: field, message: "must be an integer from \(range.lowerBound) to \(range.upperBound)"))
            return defaultValue
        }
        return value
    }
}
