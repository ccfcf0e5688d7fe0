import Employees
import EventStore
import Postgres

/// Folds every employee stream with the domain's `evolve`, then writes all rows with a few bulk statements.
/// A stream that so far only holds `EmployeeCreated` (and `PasswordChanged`) stays a `CreatedRow` read from the
/// JSON, as the bulk path writes it; it is folded through the domain only when another event arrives.
struct EmployeeRebuilder: ProjectionRebuilder {
    private var created: [Int: CreatedRow] = [:]
    private var folded: [Int: FoldedRow] = [:]

    mutating func consume(_ recorded: RecordedEvent) throws {
        guard recorded.streamID.rawValue.hasPrefix("employee-") else { return }
        let empNo = try EmployeeProjection.employeeNumber(of: recorded.streamID)
        if var row = created[empNo] {
            if recorded.type == "PasswordChanged" {
                row.passwordChanged(recorded)
                created[empNo] = row
                return
            }
            created[empNo] = nil
            folded[empNo] = try row.folded(empNo: empNo)
        } else if folded[empNo] == nil, let row = CreatedRow(recorded, empNo: empNo) {
            created[empNo] = row
            return
        }
        folded[empNo, default: FoldedRow()].fold(
            try EmployeeEventCodec.domainEvent(recorded), version: recorded.streamVersion, at: recorded.recordedAtMicroseconds)
    }

    /// Writes 20,000 rows per statement; the next chunk's columns are built on another thread while one is
    /// inserted.
    func finish(on connection: PostgresConnection) throws {
        let chunkSize = 20_000
        let employees = (Array(created.keys) + Array(folded.keys)).sorted()
        let chunks = stride(from: 0, to: employees.count, by: chunkSize).map {
            employees[$0..<min($0 + chunkSize, employees.count)]
        }
        guard let first = chunks.first else { return }
        var columns = self.columns(for: first)
        for number in chunks.indices {
            let following = number + 1 < chunks.count ? BackgroundWork { self.columns(for: chunks[number + 1]) } : nil
            try columns.employees.insert(on: connection)
            try columns.scopes.insert(on: connection)
            guard let following else { break }
            columns = following.result()
        }
    }

    private func columns(for empNos: ArraySlice<Int>) -> (employees: EmployeeColumns, scopes: ScopeColumns) {
        var employees = EmployeeColumns()
        var scopes = ScopeColumns()
        employees.reserveCapacity(empNos.count)
        for empNo in empNos {
            if let row = created[empNo] {
                row.append(to: &employees, empNo: empNo)
            } else {
                folded[empNo]!.append(to: &employees, scopes: &scopes, empNo: empNo)
            }
        }
        return (employees, scopes)
    }
}
