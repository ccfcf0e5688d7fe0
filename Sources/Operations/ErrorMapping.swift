import Accounts
import Employees
import EventStore
import HTTP
import Postgres
import Records
import Security

/// The one place where the app's typed errors become HTTP answers (RFC 9457 problems). Handlers throw what they
/// mean; `APIRoutes.respond` renders it. Anything unknown becomes a 500 without detail.
package enum ErrorMapping {
    /// Seconds a client should wait before retrying while the database is unreachable.
    package static let retryAfterSeconds = 1

    package static func httpError(for error: any Error) -> any Error {
        switch error {
        case let error as HTTPError:
            return error
        case let error as CommandError:
            return httpError(for: error)
        case let error as ValidationErrors:
            return validation(error)
        case let error as RequestBodyError:
            return error.httpError
        case let error as AccountError:
            return httpError(for: error)
        case let error as OAuthError:
            return httpError(for: error)
        case let error as PasswordWorkLimiter.Overloaded:
            return HTTPError(
                .serviceUnavailable, detail: "Too many password checks at once; retry shortly",
                headers: ["Retry-After": String(error.retryAfterSeconds), "Cache-Control": "no-store"])
        case let error as PostgresError where error.kind != .server || error.isTransient:
            return unavailable()
        case let error as AppendError:
            if case .unavailable = error { return unavailable() }
            return error
        default:
            return error
        }
    }

    package static func httpError(for error: CommandError) -> HTTPError {
        switch error {
        case .invalid(let errors):
            return validation(errors)
        case .notFound:
            return HTTPError(.notFound, detail: "No data for the selection criteria.")
        case .alreadyExists:
            return HTTPError(.conflict, detail: "The employee already exists")
        case .emailTaken:
            return HTTPError(
                .conflict, detail: "Can't accept this email. Please specify another",
                fieldErrors: [HTTPFieldError(field: "email", message: "Can't accept this email. Please specify another")])
        case .versionMismatch(let current):
            return HTTPError(
                .preconditionFailed, detail: "The employee has changed since that version",
                members: [(name: "current_version", value: .int(current))], headers: ["ETag": "\"\(current)\""])
        case .contention:
            return HTTPError(.conflict, detail: "The employee is being changed concurrently; retry")
        case .targetHoldsMore(let missing):
            return HTTPError(
                .forbidden,
                detail: "The employee holds scopes you do not hold (\(missing.joined(separator: " "))); "
                    + "only a caller holding every scope of an account may change who can act as it")
        case .unavailable:
            return unavailable()
        }
    }

    /// RFC 6749 §5.2: 400 (429 when throttled, with `Retry-After`) with `error` and `error_description`, plus
    /// `detail` for the original system's clients; never cached.
    package static func httpError(for error: OAuthError) -> HTTPError {
        var headers: HTTPHeaders = ["Cache-Control": "no-store", "Pragma": "no-cache"]
        if let seconds = error.retryAfterSeconds { headers.set("Retry-After", String(seconds)) }
        return HTTPError(
            error.code == .slowDown ? .tooManyRequests : .badRequest, detail: error.description,
            members: [
                (name: "error", value: .string(error.code.rawValue)),
                (name: "error_description", value: .string(error.description)),
            ],
            headers: headers)
    }

    package static func validation(_ errors: ValidationErrors) -> HTTPError {
        HTTPError(
            .unprocessableContent, detail: "One or more fields are invalid",
            fieldErrors: errors.errors.map { HTTPFieldError(field: $0.field.rawValue, message: $0.message) })
    }

    package static func unavailable() -> HTTPError {
        HTTPError(
            .serviceUnavailable, detail: "The database is unavailable; retry shortly",
            headers: ["Retry-After": String(retryAfterSeconds)])
    }
}

extension ErrorMapping {
    /// The realm of every `WWW-Authenticate: Bearer` challenge.
    package static let realm = "employees"

    /// RFC 6750 §3.1: a valid token without the scopes the operation needs.
    package static func insufficientScope(required: ScopeSet) -> HTTPError {
        HTTPError(
            .forbidden, detail: "Not enough permissions",
            members: [(name: "required_scope", value: .string(required.spaceDelimited))],
            headers: [
                "WWW-Authenticate":
                    "Bearer realm=\"\(realm)\", error=\"insufficient_scope\", scope=\"\(required.spaceDelimited)\""
            ])
    }

    package static func httpError(for error: AccountError) -> HTTPError {
        switch error {
        case .unknownScope:
            return HTTPError(.notFound, detail: "No such scope")
        case .beyondOwnScopes(let missing):
            return insufficientScope(required: missing)
        case .wrongCurrentPassword:
            return HTTPError(
                .forbidden, detail: "The current password is not correct",
                fieldErrors: [HTTPFieldError(field: "current_password", message: "is not correct")])
        case .tooManyAttempts(let retryAfterSeconds):
            return HTTPError(
                .tooManyRequests, detail: "Too many wrong passwords; wait before trying again",
                headers: ["Retry-After": String(retryAfterSeconds)])
        }
    }
}
