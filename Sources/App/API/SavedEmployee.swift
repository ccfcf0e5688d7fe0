import Console
import Employees
import Foundation
import HTTP
import Operations
import Records
import Security

/// A written record as the original's save answers list it: ISO dates (the original listed what it had written),
/// the email only for a new employee, never the password.
struct SavedEmployee: Encodable, Sendable {
    let empNo: Int
    let email: String?
    let birthDate: String
    let firstName: String
    let lastName: String
    let gender: String
    let hireDate: String

    init(_ record: EmployeeRecord, withEmail: Bool) {
        empNo = record.empNo
        email = withEmail ? record.email : nil
        birthDate = record.birthDate
        firstName = record.firstName
        lastName = record.lastName
        gender = record.gender
        hireDate = record.hireDate
    }

    /// The original's field names, the same as its reads'.
    typealias CodingKeys = CompatibilityEmployee.CodingKeys
}
