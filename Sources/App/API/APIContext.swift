import Accounts
import Dispatch
import Employees
import EventStore
import Foundation
import Postgres
import Records
import Security

/// Everything the handlers use, built once at start-up.
struct APIContext: Sendable {
    let pool: PostgresPool
    let appender: BatchingAppender
    let commands: EmployeeCommandService
    let queries: EmployeeQueries
    let principals: PrincipalTable
    let revokedTokens: RevokedTokenIDs
    let securityLog: SecurityLog
    let passwords: PasswordService
    let today: @Sendable () -> CalendarDate
    let monitoring: Monitoring
}

/// What the audit and operations routes need beyond the command and query paths: the log watcher (live event
/// streams), the principal feed (its position is a lag metric) and the request counters.
struct Monitoring: Sendable {
    let watcher: LogWatcher
    let principalFeed: PrincipalFeed
    let requests: RequestMetrics
}

/// Password checks and hashing. Argon2id is deliberately slow and memory-hungry, so it runs on a dispatch queue,
/// never on Swift's cooperative pool (about two threads here), which would stall every other request.
struct PasswordService: Sendable {
    let hasher: PasswordHasher
    let policy: PasswordPolicy

    private static let hashing = DispatchQueue(label: "password-hashing", attributes: .concurrent)

    /// The policy's verdict, as field errors on `field`.
    func violations(of password: String, email: String?, names: [String], field: String = "password") -> [HTTPFieldErrorText] {
        do {
            try policy.validate(password, context: PasswordContext(email: email, names: names))
            return []
        } catch {
            return [HTTPFieldErrorText(field: field, message: Self.message(for: error))]
        }
    }

    static func message(for violation: PasswordPolicyViolation) -> String {
        switch violation {
        case .tooShort(let minimum): "must be at least \(minimum) characters"
        case .tooLong(let maximum): "must be at most \(maximum) characters"
        case .commonPassword: "is too common; choose another"
        case .repetitiveOrSequential: "is too repetitive or sequential"
        case .containsContextWord: "must not contain your name or email address"
        }
    }

    func hash(_ password: String) async throws -> String {
        try await Self.offPool { try hasher.hash(password) }
    }

    func verify(_ password: String, against hash: String) async -> Bool {
        (try? await Self.offPool { hasher.verify(password, against: hash) }) ?? false
    }

    /// Spends the time of one verification, so an unknown user answers as slowly as a wrong password.
    func dummyVerify(_ password: String) async {
        _ = try? await Self.offPool { hasher.dummyVerify(password) }
    }

    private static func offPool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            hashing.async { continuation.resume(with: Result { try work() }) }
        }
    }
}

/// A field error before it becomes an HTTP problem member.
struct HTTPFieldErrorText: Sendable, Hashable {
    let field: String
    let message: String
}
