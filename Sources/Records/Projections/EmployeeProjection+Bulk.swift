import Employees
import EventStore
import Postgres

/// The bulk path (imports): whole new streams, folded in memory and written with one statement per table.
extension EmployeeProjection {
    /// Every request of a bulk append created a new stream, so each stream folds from nothing into one complete row,
    /// exactly as a rebuild folds it; the rows then go in with one statement per table.
    public func applyBulk(_ events: [[RecordedEvent]], of requests: [AppendRequest], on connection: PostgresConnection) throws {
        var employees = EmployeeColumns()
        var scopes = ScopeColumns()
        var credentials = CredentialColumns()
        employees.reserveCapacity(requests.count)
        for (recorded, request) in zip(events, requests) {
            guard let first = recorded.first else { continue }
            let empNo = try EmployeeProjection.employeeNumber(of: first.streamID)
            if var created = CreatedRow(first, empNo: empNo), recorded.dropFirst().allSatisfy({ $0.type == "PasswordChanged" }) {
                recorded.dropFirst().forEach { created.passwordChanged($0) }
                created.append(to: &employees, empNo: empNo)
                if recorded.count > 1, let hash = request.attachments[Self.passwordHashAttachment] {
                    credentials.empNos.append(Int32(empNo))
                    credentials.hashes.append(hash)
                    credentials.changedAt.append(created.updatedAt)
                }
                continue
            }
            var row = FoldedRow()
            var passwordChangedAt: Int64?
            for event in recorded {
                let decoded = try EmployeeEventCodec.domainEvent(event)
                row.fold(decoded, version: event.streamVersion, at: event.recordedAtMicroseconds)
                if case .passwordChanged = decoded { passwordChangedAt = event.recordedAtMicroseconds }
            }
            row.append(to: &employees, scopes: &scopes, empNo: empNo)
            if let passwordChangedAt, let hash = request.attachments[Self.passwordHashAttachment] {
                credentials.empNos.append(Int32(empNo))
                credentials.hashes.append(hash)
                credentials.changedAt.append(passwordChangedAt)
            }
        }
        do {
            try employees.insert(on: connection)
        } catch {
            throw Self.rejectionIfEmailTaken(error)
        }
        try scopes.insert(on: connection)
        try credentials.insert(on: connection)
    }
}
