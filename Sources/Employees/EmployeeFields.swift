/// The fields of a new employee exactly as a client or a file gave them: text, possibly missing. The domain turns
/// them into typed values itself, so that every broken rule of one command is reported at once.
public struct EmployeeFields: Sendable, Hashable {
    public var firstName: String?
    public var lastName: String?
    public var birthDate: String?
    public var gender: String?
    public var hireDate: String?
    public var email: String?

    public init(
        firstName: String? = nil, lastName: String? = nil, birthDate: String? = nil, gender: String? = nil,
        hireDate: String? = nil, email: String? = nil
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.birthDate = birthDate
        self.gender = gender
        self.hireDate = hireDate
        self.email = email
    }
}
