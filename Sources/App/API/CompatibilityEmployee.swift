import Console
import Employees
import Foundation
import HTTP
import Operations
import Records
import Security

/// An employee as the original's reads answer it, minus the password hash the original leaked.
struct CompatibilityEmployee: Encodable, Sendable {
    let empNo: Int
    let email: String
    let birthDate: String
    let firstName: String
    let lastName: String
    let gender: String
    let hireDate: String

    init(_ record: EmployeeRecord) {
        empNo = record.empNo
        email = record.email
        birthDate = CompatibilityDate.dayMonthYear(iso: record.birthDate)
        firstName = record.firstName
        lastName = record.lastName
        gender = record.gender
        hireDate = CompatibilityDate.dayMonthYear(iso: record.hireDate)
    }

    enum CodingKeys: String, CodingKey {
        case empNo = "emp_no"
        case email
        case birthDate = "birth_date"
        case firstName = "first_name"
        case lastName = "last_name"
        case gender
        case hireDate = "hire_date"
    }
}
