import Employees

/// What a sample of real rows says about employees: the frequency of each first and last name and gender, the span
/// of birth dates and the distribution of hire dates. `SyntheticEmployees` draws from it.
public struct EmployeeSample: Sendable {
    public let firstNames: [FirstName]
    public let lastNames: [LastName]
    public let genders: [Gender]
    public let birthDays: ClosedRange<Int>?
    /// Every hire date of the sample (days since the epoch), so drawing one reproduces the sample's distribution.
    public let hireDays: [Int]

    /// Learns from the rows; names that could not form a derived email address (a space, say) are left out.
    public init(learningFrom employees: some Sequence<ImportedEmployee>) {
        var firstNames: [FirstName] = []
        var lastNames: [LastName] = []
        var genders: [Gender] = []
        var birthDays: [Int] = []
        var hireDays: [Int] = []
        let anyNumber = EmployeeNumber(1)!
        for employee in employees {
            let profile = employee.profile
            if Self.formsAddress(SeedEmail.derived(firstName: profile.firstName.value, lastName: "x", empNo: anyNumber)) {
                firstNames.append(profile.firstName)
            }
            if Self.formsAddress(SeedEmail.derived(firstName: "x", lastName: profile.lastName.value, empNo: anyNumber)) {
                lastNames.append(profile.lastName)
            }
            genders.append(profile.gender)
            birthDays.append(profile.birthDate.daysSinceEpoch)
            hireDays.append(profile.hireDate.daysSinceEpoch)
        }
        self.firstNames = firstNames
        self.lastNames = lastNames
        self.genders = genders
        self.birthDays = birthDays.min().flatMap { low in birthDays.max().map { low...$0 } }
        self.hireDays = hireDays
    }

    private static func formsAddress(_ text: String) -> Bool { (try? EmailAddress(text)) != nil }
}
