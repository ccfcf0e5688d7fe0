import Employees

/// A deterministic stream of `count` plausible employees drawn from a sample: the same sample, seed and arguments
/// always give the same rows. Employee numbers run consecutively from `firstEmployeeNumber`; emails follow the seed's
/// rule (`first.last.emp_no@gmail.com`), unique because each ends with its unique number. Birth dates are uniform
/// over the sample's span, hire dates follow the sample's distribution with a ±15-day jitter, both clamped so that
/// every row passes the domain's rules.
public struct SyntheticEmployees: Sequence, Sendable {
    private static let hireJitterDays = 15

    private let sample: EmployeeSample
    private let count: Int
    private let seed: UInt64
    private let firstEmployeeNumber: Int
    private let today: CalendarDate
    private let birthDays: ClosedRange<Int>
    private let hireDays: ClosedRange<Int>

    public init(
        count: Int, seed: UInt64, firstEmployeeNumber: EmployeeNumber, sample: EmployeeSample, today: CalendarDate
    ) throws(SyntheticEmployeesError) {
        guard !sample.firstNames.isEmpty, !sample.lastNames.isEmpty, let sampleBirthDays = sample.birthDays,
            let earliestHire = sample.hireDays.min(), let latestHire = sample.hireDays.max()
        else { throw .sampleTooPoor }
        guard firstEmployeeNumber.value - 1 + Swift.max(count, 0) <= EmployeeNumber.maximum else {
            throw .employeeNumbersExhausted
        }
        let rules = DateRules(today: today)
        let latestHireDay = Swift.min(latestHire, rules.latestHireDate.daysSinceEpoch)
        let earliestBirthDay = Swift.max(sampleBirthDays.lowerBound, DateRules.earliestBirthDate.daysSinceEpoch)
        // Hires come strictly after births, so the latest birth lies before the latest hire.
        let latestBirthDay = Swift.min(
            sampleBirthDays.upperBound, rules.latestBirthDate.daysSinceEpoch, latestHireDay - 1)
        guard earliestHire <= latestHireDay, earliestBirthDay <= latestBirthDay else { throw .datesOutsideRules }
        let hireDays = earliestHire...latestHireDay
        let birthDays = earliestBirthDay...latestBirthDay
        self.sample = sample
        self.count = Swift.max(count, 0)
        self.seed = seed
        self.firstEmployeeNumber = firstEmployeeNumber.value
        self.today = today
        self.birthDays = birthDays
        self.hireDays = hireDays
    }

    public var underestimatedCount: Int { count }

    public func makeIterator() -> Iterator { Iterator(employees: self) }

    public struct Iterator: IteratorProtocol, Sendable {
        private let employees: SyntheticEmployees
        private var random: SeededRandom
        private var produced = 0

        init(employees: SyntheticEmployees) {
            self.employees = employees
            random = SeededRandom(seed: employees.seed)
        }

        public mutating func next() -> ImportedEmployee? {
            guard produced < employees.count else { return nil }
            defer { produced += 1 }
            return employees.draw(number: employees.firstEmployeeNumber + produced, using: &random)
        }
    }

    private func draw(number: Int, using random: inout SeededRandom) -> ImportedEmployee {
        let firstName = random.element(of: sample.firstNames)
        let lastName = random.element(of: sample.lastNames)
        let gender = sample.genders.isEmpty ? Gender.allCases[random.below(2)] : random.element(of: sample.genders)
        let birthDay = random.inRange(birthDays)
        let jitter = random.inRange(-Self.hireJitterDays...Self.hireJitterDays)
        var hireDay = (random.element(of: sample.hireDays) + jitter).clamped(to: hireDays)
        if hireDay <= birthDay { hireDay = random.inRange((birthDay + 1)...hireDays.upperBound) }
        guard let empNo = EmployeeNumber(number), let birthDate = CalendarDate(daysSinceEpoch: birthDay),
            let hireDate = CalendarDate(daysSinceEpoch: hireDay)
        else { preconditionFailure("numbers and days are clamped to valid ranges in init") }
        do {
            let email = try EmailAddress(
                SeedEmail.derived(firstName: firstName.value, lastName: lastName.value, empNo: empNo))
            let profile = try EmployeeProfile(
                firstName: firstName, lastName: lastName, birthDate: birthDate, gender: gender, hireDate: hireDate,
                email: email, today: today)
            return ImportedEmployee(empNo: empNo, profile: profile)
        } catch {
            preconditionFailure("names are filtered and dates clamped so that every row is valid: \(error)")
        }
    }
}

extension Int {
    fileprivate func clamped(to range: ClosedRange<Int>) -> Int {
        Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}
