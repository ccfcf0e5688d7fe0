import Employees
import HTTP
import Records
import Security

/// The authenticated caller, as the authentication middleware established it.
package struct Principal: Sendable, Hashable {
    package let empNo: Int64
    /// The token's scopes intersected with the principal's current scopes (both closed under implication).
    package let scopes: ScopeSet
    package let tokenID: String
    package let clientID: String

    package init(empNo: Int64, scopes: ScopeSet, tokenID: String, clientID: String) {
        self.empNo = empNo
        self.scopes = scopes
        self.tokenID = tokenID
        self.clientID = clientID
    }

    package var subject: String { "employee:\(empNo)" }
}
