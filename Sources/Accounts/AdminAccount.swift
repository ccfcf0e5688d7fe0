import Dispatch
import Employees
import EventStore
import Foundation
import Postgres
import Records
import Security

/// `employees create-admin`: the first account of a fresh installation, with every scope.
///
/// The password is checked by `PasswordPolicy`, hashed with Argon2id (on a Dispatch thread: tens of milliseconds of
/// CPU must not block Swift's cooperative pool), and the employee is created through the ordinary command path by the
/// `system` actor; then one `ScopeGranted` per scope. The hash goes to `credentials` only, never into the log.
public struct AdminAccount: Sendable {
    public let commands: EmployeeCommandService
    let passwords: PasswordService

    public init(commands: EmployeeCommandService, hasher: PasswordHasher) {
        self.commands = commands
        passwords = PasswordService(hasher: hasher)
    }

    public func create(_ fields: EmployeeFields, password: String) async throws(AdminAccountError) -> CommandOutcome {
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
        let hash = try await hash(password)
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
            return try await EmployeeQueries(pool: commands.pool).isTaken(email)
        } catch {
            throw .command(.unavailable)
        }
    }

    private func hash(_ password: String) async throws(AdminAccountError) -> String {
        do {
            return try await passwords.hash(password)
        } catch {
            throw .hashingFailed
        }
    }
}
