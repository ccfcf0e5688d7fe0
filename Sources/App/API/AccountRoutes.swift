import Accounts
import Employees
import EventStore
import Foundation
import HTTP
import Operations
import Postgres
import Records
import Security

/// The account commands: scopes and roles, disable and enable, password changes. Each goes through
/// `EmployeeCommandService` (decided by the domain, appended with the actor's metadata) and then updates the
/// principal table at once, so the next request sees the change without waiting for the log follower.
enum AccountRoutes {
    static func register(in table: inout RouteTable, context: APIContext) throws(RouterError) {
        let throttle = SharedLoginThrottle(pool: context.pool)
        try table.add(
            .POST, "/employees/{emp_no:int}/scopes",
            Route(
                operationID: "grantScopes", summary: "Grant a scope, or every scope of a role, to an employee",
                access: .scopes([.scopeGrant])
            ) { request in
                try await grant(request, context)
            })
        try table.add(
            .DELETE, "/employees/{emp_no:int}/scopes/{scope}",
            Route(operationID: "revokeScope", summary: "Revoke a scope from an employee", access: .scopes([.scopeGrant])) {
                request in
                try await revoke(request, context)
            })
        try table.add(
            .POST, "/employees/{emp_no:int}/disable",
            Route(operationID: "disableEmployee", summary: "Disable an employee's account", access: .scopes([.adminWrite])) {
                request in
                try await setStatus(.disable, request, context)
            })
        try table.add(
            .POST, "/employees/{emp_no:int}/enable",
            Route(operationID: "enableEmployee", summary: "Enable an employee's account", access: .scopes([.adminWrite])) {
                request in
                try await setStatus(.enable, request, context)
            })
        try table.add(
            .PUT, "/employees/{emp_no:int}/password",
            Route(
                operationID: "changePassword", summary: "Set a new password (your own with the current one, or any as admin)",
                access: .ownRecordOr(own: [.userWrite], any: [.adminWrite])
            ) { request in
                try await changePassword(request, context, throttle: throttle)
            })
    }

    /// The employee's scopes after a grant or revoke.
    struct Scopes: Encodable {
        let empNo: Int
        let scopes: [String]

        enum CodingKeys: String, CodingKey {
            case empNo = "emp_no", scopes
        }
    }

    /// `{"scope": "admin:read"}` or `{"role": "manager"}`. A role's scopes are granted in one append, so an
    /// employee never holds half a role.
    static func grant(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let number = try employeeNumber(request)
        let body = try JSONObjectBody(request.http)
        try body.rejectUnknownFields(allowed: ["scope", "role"])
        var errors: [HTTPFieldError] = []
        let scopeName = body.string("scope", errors: &errors)
        let roleName = body.string("role", errors: &errors)
        guard errors.isEmpty else { throw RequestBodyError.invalidFields(errors) }
        let granted: ScopeSet
        switch (scopeName, roleName) {
        case (let name?, nil):
            guard let scope = Scope(rawValue: name) else {
                throw RequestBodyError.invalidFields([HTTPFieldError(field: "scope", message: "is not a known scope")])
            }
            granted = [scope]
        case (nil, let name?):
            guard let role = Role(rawValue: name) else {
                throw RequestBodyError.invalidFields([HTTPFieldError(field: "role", message: "is not a known role")])
            }
            granted = role.scopes
        default:
            let message = "exactly one of scope and role is required"
            throw RequestBodyError.invalidFields([
                HTTPFieldError(field: "role", message: message), HTTPFieldError(field: "scope", message: message),
            ])
        }
        try requireHeld(granted, operation: "grantScopes", request, context)
        let outcome = try await context.commands.execute(
            .grantScopes(granted.scopes.map(\.rawValue)), on: number, by: request.actor())
        publish(outcome, to: context.principals)
        return try scopesResponse(outcome)
    }

    /// Revoking a scope the employee does not hold changes nothing and answers 200 with the current scopes.
    static func revoke(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let number = try employeeNumber(request)
        guard let name = request.http.pathParameters.string("scope"), let scope = Scope(rawValue: name) else {
            throw AccountError.unknownScope
        }
        try requireHeld([scope], operation: "revokeScope", request, context)
        let outcome = try await executeOnAccount(
            .revokeScope(scope.rawValue), on: number, operation: "revokeScope", request, context)
        publish(outcome, to: context.principals)
        return try scopesResponse(outcome)
    }

    /// Disable or enable; answers the employee's record. Repeating either is a no-op 200.
    static func setStatus(_ command: EmployeeCommand, _ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let number = try employeeNumber(request)
        let operation = if case .disable = command { "disableEmployee" } else { "enableEmployee" }
        let outcome = try await executeOnAccount(command, on: number, operation: operation, request, context)
        publish(outcome, to: context.principals)
        guard let record = EmployeeRecord(outcome) else { throw CommandError.notFound }
        return JSONResponse.make(record, headers: ["ETag": EmployeeRoutes.etag(record.version)])
    }

    /// `{"current_password", "new_password"}`. Your own password needs the current one, whatever your scopes (wrong →
    /// 403, logged, throttled like logins), so a stolen token cannot take its own account over. Another's needs
    /// `admin:write` and every scope that account holds, not the current password. Answers 204; every token issued
    /// before the change stops working, the caller's own included.
    static func changePassword(_ request: APIRequest, _ context: APIContext, throttle: SharedLoginThrottle) async throws
        -> HTTPResponse
    {
        let number = try employeeNumber(request)
        let caller = try request.caller
        let body = try JSONObjectBody(request.http)
        try body.rejectUnknownFields(allowed: ["current_password", "new_password"])
        var errors: [HTTPFieldError] = []
        let currentPassword = body.string("current_password", errors: &errors)
        let newPassword = body.string("new_password", errors: &errors)
        let ownRecord = Int64(number.value) == caller.empNo
        let mayOmitCurrent = !ownRecord
        if currentPassword == nil, !mayOmitCurrent, !errors.contains(where: { $0.field == "current_password" }) {
            errors.append(HTTPFieldError(field: "current_password", message: "is required"))
        }
        if newPassword == nil, !errors.contains(where: { $0.field == "new_password" }) {
            errors.append(HTTPFieldError(field: "new_password", message: "is required"))
        }
        guard errors.isEmpty, let newPassword else { throw RequestBodyError.invalidFields(errors) }
        guard let record = try await context.queries.employee(number.value) else { throw CommandError.notFound }
        if let currentPassword {
            try await checkCurrentPassword(currentPassword, of: number, request, context, throttle: throttle)
        }
        let violations = context.passwords.violations(
            of: newPassword, email: record.email, names: [record.firstName, record.lastName], field: "new_password")
        guard violations.isEmpty else {
            throw RequestBodyError.invalidFields(violations.map { HTTPFieldError(field: $0.field, message: $0.message) })
        }
        let hash = try await context.passwords.hash(newPassword)
        let outcome =
            ownRecord
            ? try await context.commands.execute(.setPassword, on: number, by: request.actor(), passwordHash: hash)
            : try await executeOnAccount(
                .setPassword, on: number, operation: "changePassword", request, context, passwordHash: hash)
        publish(outcome, to: context.principals)
        return HTTPResponse(status: .noContent)
    }

    private static func checkCurrentPassword(
        _ password: String, of number: EmployeeNumber, _ request: APIRequest, _ context: APIContext, throttle: SharedLoginThrottle
    ) async throws {
        let account = "employee:\(number.value)"
        let address = request.http.remoteAddress
        if case .refused(let seconds) = try await throttle.check(username: account, address: address) {
            context.securityLog.record(
                entry(kind: "password_change_throttled", reason: "too_many_failures", account: account, request))
            throw AccountError.tooManyAttempts(retryAfterSeconds: seconds)
        }
        let stored = try await context.credentials.passwordHash(of: number.value)
        let matches: Bool
        if let stored {
            matches = try await context.passwords.verify(password, against: stored)
        } else {
            try await context.passwords.dummyVerify(password)
            matches = false
        }
        guard matches else {
            try await throttle.recordFailure(username: account, address: address)
            context.securityLog.record(
                entry(kind: "password_change_failed", reason: "bad_current_password", account: account, request))
            throw AccountError.wrongCurrentPassword
        }
        try await throttle.recordSuccess(username: account, address: address)
    }

    private static func entry(kind: String, reason: String, account: String, _ request: APIRequest) -> SecurityLog.Entry {
        SecurityLog.Entry(
            kind: kind, principal: request.principal?.subject, attemptedUsername: account,
            clientAddress: request.http.remoteAddress, reason: reason, requestID: request.http.requestID,
            recordedAt: Date())
    }

    /// A holder of `scope:grant` may hand out or take away only what its own token may do (implication applied),
    /// so it cannot mint `super:*` for itself or strip it from the bootstrap account.
    private static func requireHeld(_ scopes: ScopeSet, operation: String, _ request: APIRequest, _ context: APIContext) throws {
        let caller = try request.caller
        let missing = ScopeSet(scopes.scopes.filter { !caller.scopes.satisfies($0) })
        guard missing.isEmpty else {
            context.securityLog.record(
                .denied(principal: caller.subject, route: operation, reason: "beyond_own_scopes", request: request.http))
            throw AccountError.beyondOwnScopes(missing: missing)
        }
    }

    /// Runs a command that changes who can act as the account `number` (another's password, disable, enable,
    /// revoke): allowed only when the caller's effective scopes cover every scope the account holds, the rule grants
    /// already follow, so that `admin:write` cannot take over or lock out a `super:*` account. The check runs
    /// against the state the append expects (see `EmployeeCommandService.Precondition`); a refusal is logged.
    private static func executeOnAccount(
        _ command: EmployeeCommand, on number: EmployeeNumber, operation: String, _ request: APIRequest, _ context: APIContext,
        passwordHash: String? = nil
    ) async throws -> CommandOutcome {
        let caller = try request.caller
        let callerScopes = caller.scopes
        do {
            return try await context.commands.execute(
                command, on: number, by: request.actor(), passwordHash: passwordHash,
                precondition: { state throws(CommandError) in
                    let held = ScopeSet((state.employee?.scopes ?? []).compactMap(Scope.init(rawValue:)))
                    let missing = held.scopes.filter { !callerScopes.satisfies($0) }
                    if !missing.isEmpty { throw .targetHoldsMore(missing: missing.map(\.rawValue)) }
                })
        } catch CommandError.targetHoldsMore(let missing) {
            context.securityLog.record(
                SecurityLog.Entry(
                    kind: "access_denied", principal: caller.subject, attemptedUsername: "employee:\(number.value)",
                    clientAddress: request.http.remoteAddress, reason: "target_holds_more:\(operation)",
                    requestID: request.http.requestID, recordedAt: Date()))
            throw CommandError.targetHoldsMore(missing: missing)
        }
    }

    /// Applies the committed command's effect to the principal table now. Only absolute facts are applied: the
    /// employee's full scope set after the command, and status and password changes at their positions. Deriving
    /// a set from the table's current one could lose a concurrent grant the follower has not delivered yet.
    static func publish(_ outcome: CommandOutcome, to table: PrincipalTable) {
        guard let last = outcome.events.last, let employee = outcome.state.employee else { return }
        let empNo = Int64(outcome.empNo.value)
        for recorded in outcome.events {
            let change: PrincipalUpdate.Change? =
                switch try? EmployeeEventCodec.domainEvent(recorded) {
                case .disabled?: .disabled
                case .enabled?: .enabled
                case .passwordChanged?: .passwordChanged
                default: nil
                }
            if let change {
                table.apply(
                    PrincipalUpdate(empNo: empNo, change: change, occurredAt: recorded.recordedAt, position: recorded.position))
            }
        }
        let scopes = ScopeSet(employee.scopes.compactMap(Scope.init(rawValue:)))
        table.apply(
            PrincipalUpdate(empNo: empNo, change: .scopesSet(scopes), occurredAt: last.recordedAt, position: last.position))
    }

    static func scopesResponse(_ outcome: CommandOutcome) throws -> HTTPResponse {
        let scopes = outcome.state.employee?.scopes.sorted() ?? []
        return try JSONResponse.make(
            Scopes(empNo: outcome.empNo.value, scopes: scopes), headers: ["ETag": EmployeeRoutes.etag(outcome.version)])
    }

    static func employeeNumber(_ request: APIRequest) throws -> EmployeeNumber {
        guard let number = EmployeeNumber(try request.employeeNumber()) else { throw CommandError.notFound }
        return number
    }
}
