/// One page of a search, with the cursor for the next page (keyset pagination on `emp_no`).
public struct EmployeePage: Sendable {
    public let items: [EmployeeRecord]
    public let nextAfter: Int?
}
