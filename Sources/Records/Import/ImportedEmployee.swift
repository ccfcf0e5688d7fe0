import Employees

/// One employee ready for `employees import`: validated by the domain's own rules, plus the password hash the
/// source may carry (stored by the app next to the record, never put into an event).
public struct ImportedEmployee: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public let empNo: EmployeeNumber
    public let profile: EmployeeProfile
    /// An already hashed password from the source file; nil when the file has none for this row.
    public let passwordHash: String?

    public init(empNo: EmployeeNumber, profile: EmployeeProfile, passwordHash: String? = nil) {
        self.empNo = empNo
        self.profile = profile
        self.passwordHash = passwordHash
    }

    /// The domain command that creates this employee.
    public var createCommand: EmployeeCommand {
        .create(
            empNo,
            EmployeeFields(
                firstName: profile.firstName.value, lastName: profile.lastName.value, birthDate: profile.birthDate.iso,
                gender: profile.gender.rawValue, hireDate: profile.hireDate.iso, email: profile.email.value),
            withPassword: passwordHash != nil)
    }

    /// Leaves the password hash out, so that printing a row can never leak it.
    public var description: String {
        "\(empNo) \(profile.firstName) \(profile.lastName) <\(profile.email)>"
            + (passwordHash == nil ? "" : " (password hash redacted)")
    }

    public var debugDescription: String { description }

    /// `dump` and debuggers see no hash either.
    public var customMirror: Mirror {
        Mirror(self, children: ["empNo": empNo, "profile": profile, "hasPasswordHash": passwordHash != nil])
    }
}
