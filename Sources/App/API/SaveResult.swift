import Console
import Employees
import Foundation
import HTTP
import Operations
import Records
import Security

/// `{"employees_new_list": [...], "employees_updated_list": [...]}`: one of the two holds the saved record.
struct SaveResult: Encodable, Sendable {
    let created: [SavedEmployee]
    let updated: [SavedEmployee]

    enum CodingKeys: String, CodingKey {
        case created = "employees_new_list"
        case updated = "employees_updated_list"
    }
}
