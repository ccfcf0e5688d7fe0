import Dispatch
import Employees
import EventStore
import Foundation
import Postgres
import Security

/// Why `create-admin` did not create an account. Never carries the password.
enum AdminAccountError: Error, Sendable, CustomStringConvertible {
    case invalid(ValidationErrors)
    case weakPassword(PasswordPolicyViolation)
    case emailTaken
    case hashingFailed
    case command(CommandError)

    var description: String {
        switch self {
        case .invalid(let errors): "invalid employee fields: \(errors)"
        case .weakPassword(let violation): "the password is refused by the password policy: \(violation)"
        case .emailTaken: "an employee with this email already exists"
        case .hashingFailed: "the password could not be hashed"
        case .command(let error): "the employee could not be created: \(error)"
        }
    }

    /// True when the operator typed something wrong (exit status 2), false when the work itself failed.
    var isUsageMistake: Bool {
        switch self {
        case .invalid, .weakPassword: true
        case .emailTaken, .hashingFailed, .command: false
        }
    }
}

/// `employees create-admin`: the first account of a fresh installation, with every scope.
///
/// The password is checked by `PasswordPolicy`, hashed with Argon2id (on a Dispatch thread: tens of milliseconds of
/// CPU must not block Swift's cooperative pool), and the employee is created through the ordinary command path by the
/// `system` actor; then one `ScopeGranted` per scope. The hash goes to `credentials` only, never into the log.
struct AdminAccount: Sendable {
    let commands: EmployeeCommandService
    let hasher: PasswordHasher

    func create(_ fields: EmployeeFields, password: String) async throws(AdminAccountError) -> CommandOutcome {
        let profile: EmployeeProfile
        do {
            profile = try EmployeeProfile(validating: TextNormalization.normalized(fields), today: commands.today())
        } catch {
            throw .invalid(error)
        }
        do {
            try PasswordPolicy().validate(
                password,
                context: PasswordContext(email: profile.email.value, names: [profile.firstName.value, profile.lastName.value]))
        } catch {
            throw .weakPassword(error)
        }
        if try await emailIsTaken(profile.email) { throw .emailTaken }
        let hash = try await hashOffTheCooperativePool(password)
        let actor = Actor.system()
        let created: CommandOutcome
        do {
            created = try await commands.create(fields, passwordHash: hash, by: actor)
        } catch {
            if case .emailTaken = error { throw .emailTaken }
            throw .command(error)
        }
        var outcome = created
        for scope in Scope.allCases {
            do {
                outcome = try await commands.execute(.grantScope(scope.rawValue), on: created.empNo, by: actor)
            } catch {
                throw .command(error)
            }
        }
        return outcome
    }

    private func emailIsTaken(_ email: EmailAddress) async throws(AdminAccountError) -> Bool {
        do {
            return try await commands.pool.withConnection { connection in
                try !connection.query("SELECT 1 FROM employees WHERE lower(email) = \(email.uniquenessKey)").isEmpty
            }
        } catch {
            throw .command(.unavailable)
        }
    }

    private func hashOffTheCooperativePool(_ password: String) async throws(AdminAccountError) -> String {
        let hasher = hasher
        let result: Result<String, PasswordHashError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(PasswordHashError) in try hasher.hash(password) })
            }
        }
        guard case .success(let hash) = result else { throw .hashingFailed }
        return hash
    }
}
