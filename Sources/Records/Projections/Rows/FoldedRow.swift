import Employees
import EventStore

/// One employee folded from its events: the domain state plus the bookkeeping the rows carry.
struct FoldedRow {
    var state: EmployeeState = .absent
    var version = 0
    var createdAt: Int64 = 0
    var updatedAt: Int64 = 0
    var scopeGrantedAt: [String: Int64] = [:]

    mutating func fold(_ event: EmployeeEvent, version: Int, at time: Int64) {
        if case .absent = state { createdAt = time }
        state = evolve(state, event)
        self.version = version
        updatedAt = time
        switch event {
        case .scopeGranted(let granted): scopeGrantedAt[granted.scope] = time
        case .scopeRevoked(let revoked): scopeGrantedAt[revoked.scope] = nil
        default: break
        }
    }

    func append(to employees: inout EmployeeColumns, scopes: inout ScopeColumns, empNo: Int) {
        guard let employee = state.employee else { return }
        employees.append(employee, row: (version, createdAt, updatedAt))
        for (scope, grantedAt) in scopeGrantedAt.sorted(by: { $0.key < $1.key }) {
            scopes.empNos.append(Int32(empNo))
            scopes.scopes.append(scope)
            scopes.grantedAt.append(grantedAt)
        }
    }
}
