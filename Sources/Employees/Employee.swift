/// One employee as its events describe it: what `decide` needs to judge the next command.
public struct Employee: Sendable, Hashable {
    public internal(set) var empNo: EmployeeNumber
    public internal(set) var firstName: FirstName
    public internal(set) var lastName: LastName
    public internal(set) var birthDate: CalendarDate
    public internal(set) var gender: Gender
    public internal(set) var hireDate: CalendarDate
    public internal(set) var email: EmailAddress
    public internal(set) var scopes: Set<String>
    public internal(set) var isDisabled: Bool
    public internal(set) var hasPassword: Bool

    init(created: EmployeeCreated) {
        empNo = created.empNo
        firstName = created.firstName
        lastName = created.lastName
        birthDate = created.birthDate
        gender = created.gender
        hireDate = created.hireDate
        email = created.email
        scopes = []
        isDisabled = false
        hasPassword = false
    }
}
