import Accounts
import CivilTime
import Crypto
import EventStore
import Foundation
import Glibc
import Operations
import Postgres
import Records

/// An employee's stream, oldest first.
struct EmployeeHistory: Encodable, Sendable {
    let empNo: Int
    let events: [LoggedEvent]

    enum CodingKeys: String, CodingKey {
        case empNo = "emp_no", events
    }
}
