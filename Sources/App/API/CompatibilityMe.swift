import Console
import Employees
import Foundation
import HTTP
import Operations
import Records
import Security

/// `/admin/me` and `/api/me`: the record plus the scopes granted to the caller.
struct CompatibilityMe: Encodable, Sendable {
    let employee: CompatibilityEmployee
    let scopes: [String]

    init(_ record: EmployeeRecord, scopes: [String]) {
        employee = CompatibilityEmployee(record)
        self.scopes = scopes
    }

    enum CodingKeys: String, CodingKey {
        case scopes
    }

    func encode(to encoder: any Encoder) throws {
        try employee.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scopes, forKey: .scopes)
    }
}
