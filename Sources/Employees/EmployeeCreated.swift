/// An employee came into being with these fields.
public struct EmployeeCreated: Sendable, Hashable {
    public var empNo: EmployeeNumber
    public var firstName: FirstName
    public var lastName: LastName
    public var birthDate: CalendarDate
    public var gender: Gender
    public var hireDate: CalendarDate
    public var email: EmailAddress

    public init(
        empNo: EmployeeNumber, firstName: FirstName, lastName: LastName, birthDate: CalendarDate, gender: Gender,
        hireDate: CalendarDate, email: EmailAddress
    ) {
        self.empNo = empNo
        self.firstName = firstName
        self.lastName = lastName
        self.birthDate = birthDate
        self.gender = gender
        self.hireDate = hireDate
        self.email = email
    }

    public init(empNo: EmployeeNumber, profile: EmployeeProfile) {
        self.init(
            empNo: empNo, firstName: profile.firstName, lastName: profile.lastName, birthDate: profile.birthDate,
            gender: profile.gender, hireDate: profile.hireDate, email: profile.email)
    }
}
