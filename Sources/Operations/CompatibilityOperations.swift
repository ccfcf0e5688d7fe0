import Employees
import Foundation
import HTTP
import Records
import Security

/// The original system's operations, whatever face answers them: its JSON routes (`CompatibilityRoutes`, in the
/// envelope) and the console's pages (`EmployeePages`) call these same functions, so the rules, the commands and the
/// error texts are the same; only the rendering differs.
package enum CompatibilityOperations {
    package static let adminSave = "/emp/admin-save"
    package static let userSave = "/emp/user-save"

    package static let partialLastNameMessage =
        "Please provide partial search last name between 1 and 16 characters, must include wildcard %. E.g. %nas%"
    package static let partialFirstNameMessage =
        "Please provide partial search first name between 1 and 14 characters, must include wildcard %. E.g. %An"

    /// The path's two patterns, checked by the original's rules; shared with the search page.
    package static func searchPatterns(_ request: HTTPRequest) throws(HTTPError) -> (lastName: String, firstName: String) {
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
    package static func isPartialPattern(_ pattern: String, maximum: Int) -> Bool {
        (1...maximum).contains(pattern.unicodeScalars.count) && pattern.contains("%")
    }

    /// The record the path names; shared with the record pages.
    package static func recordForUpdate(_ request: APIRequest, _ context: APIContext) async throws -> EmployeeRecord {
        let empNo = try request.employeeNumber()
        guard let record = try await context.reads.run(request.http, { try await $0.queries.employee(empNo) }) else {
            throw CommandError.notFound
        }
        return record
    }

    /// What a save did: the record as written, and whether it was created. The JSON routes answer it in the
    /// envelope; the console's forms redirect to the record's page.
    package struct Saved: Sendable {
        package let record: EmployeeRecord
        package let created: Bool
    }

    package static func adminSave(_ request: APIRequest, _ context: APIContext) async throws -> Saved {
        let form = try FormBody(request.http)
        let actor = try request.actor()
        guard let empNoText = form["empNo"], !empNoText.trimmingCharacters(in: .whitespaces).isEmpty else {
            return Saved(record: try await create(form, actor, context), created: true)
        }
        return Saved(record: try await update(try employeeNumber(empNoText), form, actor, context), created: false)
    }

    package static func ownSave(_ request: APIRequest, _ context: APIContext) async throws -> Saved {
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

    package static func employeeNumber(_ text: String) throws(ValidationErrors) -> EmployeeNumber {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ValidationErrors([FieldError(.empNo, .required)]) }
        do {
            return try EmployeeNumber(parsing: trimmed)
        } catch {
            throw ValidationErrors([error])
        }
    }

    package static func create(_ form: FormBody, _ actor: Actor, _ context: APIContext) async throws -> EmployeeRecord {
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
    package static func update(
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
