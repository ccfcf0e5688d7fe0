/// The fields an update may change, as text; nil means "leave as it is".
public struct EmployeeChanges: Sendable, Hashable {
    public var firstName: String?
    public var lastName: String?
    public var birthDate: String?
    public var gender: String?
    public var hireDate: String?

    public init(
        firstName: String? = nil, lastName: String? = nil, birthDate: String? = nil, gender: String? = nil,
        hireDate: String? = nil
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.birthDate = birthDate
        self.gender = gender
        self.hireDate = hireDate
    }
}
