/// The fields of an employee record, spelled as the original system spells them so that error responses, events
/// and the compatibility routes all use one vocabulary.
public enum EmployeeField: String, Sendable, Hashable, CaseIterable, Comparable {
    case empNo = "emp_no"
    case firstName = "first_name"
    case lastName = "last_name"
    case birthDate = "birth_date"
    case gender = "gender"
    case hireDate = "hire_date"
    case email = "email"

    /// Canonical order (the declaration order), so that collected errors always come out the same way.
    public static func < (lhs: EmployeeField, rhs: EmployeeField) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

extension EmployeeField {
    var formatHint: String {
        switch self {
        case .empNo: "must be a positive integer"
        case .birthDate, .hireDate: "must be a date as yyyy-mm-dd or d/m/yyyy"
        case .gender: "must be M or F"
        case .email: "must be an email address like name@example.com"
        case .firstName, .lastName: "is not a valid name"
        }
    }
}
