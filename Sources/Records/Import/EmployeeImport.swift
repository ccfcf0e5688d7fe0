import Crypto
import Employees
import EventStore
import Foundation
import Postgres

/// One row to import, or why it cannot be: with its line in the source (the header is line 1).
public struct ImportRow: Sendable {
    public let line: Int
    public let employee: Result<ImportedEmployee, EmployeeCSVError>
}

/// Where `employees import` reads its rows: a CSV file, or the synthetic generator (whose rows carry the line
/// numbers they have in the CSV that `employees generate` writes for the same arguments).
public enum ImportSource {
    case csv(EmployeeCSVReader)
    case synthetic(SyntheticEmployees.Iterator, nextLine: Int)

    /// The next row, nil at the end. Throws only when the source itself fails (an unreadable file).
    public mutating func next() throws(EmployeeCSVError) -> ImportRow? {
        switch self {
        case .csv(let reader):
            do {
                guard let employee = try reader.next() else { return nil }
                return ImportRow(line: reader.lineNumber, employee: .success(employee))
            } catch {
                if case .unreadable = error { throw error }
                return ImportRow(line: reader.lineNumber, employee: .failure(error))
            }
        case .synthetic(var iterator, let line):
            guard let employee = iterator.next() else { return nil }
            self = .synthetic(iterator, nextLine: line + 1)
            return ImportRow(line: line, employee: .success(employee))
        }
    }
}

/// A row that was not imported, and why. Never carries a cell's content (a password hash could be among them).
public struct ImportRejection: Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case invalid(EmployeeCSVError)
        case duplicateEmail
        case existingEmployee
        case refused(String)
    }

    public let line: Int
    public let reason: Reason

    public var description: String {
        switch reason {
        case .invalid(let error):
            if case .invalidRow(_, let errors) = error { return "line \(line): invalid row: \(errors)" }
            return "\(error)"
        case .duplicateEmail: return "line \(line): the email is already taken"
        case .existingEmployee: return "line \(line): the employee number already exists"
        case .refused(let why): return "line \(line): refused: \(why)"
        }
    }
}

/// What an import did.
public struct ImportSummary: Sendable {
    public var importedEmployees = 0
    public var events = 0
    public var seconds = 0.0
    public var rejections: [ImportRejection] = []

    public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }

    public func count(_ matches: (ImportRejection.Reason) -> Bool) -> Int { rejections.filter { matches($0.reason) }.count }

    /// One line for the operator, then the first few rejected rows.
    public func render(listing limit: Int = 10) -> String {
        let invalid = count { if case .invalid = $0 { true } else { false } }
        let duplicates = count { $0 == .duplicateEmail }
        let existing = count { $0 == .existingEmployee }
        let other = rejections.count - invalid - duplicates - existing
        var text = "imported \(importedEmployees) employees: \(events) events in \(String(format: "%.2f", seconds)) s "
            + "(\(Int(eventsPerSecond.rounded())) events/s); rejected \(rejections.count) rows "
            + "(\(duplicates) duplicate emails, \(existing) existing employees, \(invalid) invalid rows"
            + (other > 0 ? ", \(other) other" : "") + ")"
        for rejection in rejections.sorted(by: { $0.line < $1.line }).prefix(limit) { text += "\n  \(rejection)" }
        if rejections.count > limit { text += "\n  … and \(rejections.count - limit) more" }
        return text
    }
}

/// `employees import`: turns rows into `EmployeeCreated` (+ `PasswordChanged` when the row has a hash) events on new
/// streams, appended through the bulk path in chunks, by the `system` actor. The next batch of rows is read while
/// the previous one commits. Afterwards `employee_numbers` is moved past the highest employee number.
public struct EmployeeImport: Sendable {
    public let pool: PostgresPool
    public let projections: [any InlineProjection]
    public let today: CalendarDate
    /// Requests per transaction.
    public var chunkSize: Int
    /// Transactions per call of the bulk appender: it prepares each chunk while the previous one commits, and the
    /// import reads the next batch of rows meanwhile.
    public var chunksPerBatch: Int

    public init(
        pool: PostgresPool, projections: [any InlineProjection], today: CalendarDate, chunkSize: Int = 5_000,
        chunksPerBatch: Int = 8
    ) {
        self.pool = pool
        self.projections = projections
        self.today = today
        self.chunkSize = chunkSize
        self.chunksPerBatch = chunksPerBatch
    }

    /// Imports every row of `source`; `progress` is told the running totals after each chunk.
    public func run(_ source: inout ImportSource, progress: (ImportSummary) -> Void = { _ in }) async throws -> ImportSummary {
        let started = ContinuousClock.now
        let bulk = BulkAppender(pool: pool, projections: projections, chunkSize: chunkSize)
        let actor = Actor.system(requestID: "import-\(UUID().uuidString.lowercased())")
        var summary = ImportSummary()
        var inFlight: (task: Task<BulkAppendReport, any Error>, lines: [Int])?
        while true {
            let chunk = try readChunk(from: &source, actor: actor, rejections: &summary.rejections)
            if let (task, lines) = inFlight {
                try await account(for: task, lines: lines, in: &summary)
                summary.seconds = (ContinuousClock.now - started).seconds
                progress(summary)
            }
            guard let chunk else { break }
            let requests = chunk.requests
            inFlight = (Task { try await bulk.append(requests) }, chunk.lines)
        }
        try await moveEmployeeNumbersPastTheHighest()
        summary.seconds = (ContinuousClock.now - started).seconds
        return summary
    }

    private struct Chunk {
        var requests: [AppendRequest] = []
        var lines: [Int] = []
    }

    /// Up to `chunkSize * chunksPerBatch` requests (invalid rows go straight to `rejections`); nil at the end.
    private func readChunk(
        from source: inout ImportSource, actor: Actor, rejections: inout [ImportRejection]
    ) throws -> Chunk? {
        var chunk = Chunk()
        var ids = EventIDs()
        let batchSize = chunkSize * chunksPerBatch
        chunk.requests.reserveCapacity(batchSize)
        var sawRow = false
        while chunk.requests.count < batchSize, let row = try source.next() {
            sawRow = true
            switch row.employee {
            case .failure(let error):
                rejections.append(ImportRejection(line: row.line, reason: .invalid(error)))
            case .success(let employee):
                chunk.requests.append(request(for: employee, actor: actor, ids: &ids))
                chunk.lines.append(row.line)
            }
        }
        return sawRow ? chunk : nil
    }

    /// What `decide(.absent, employee.createCommand)` returns, without validating every field a second time: the row
    /// was validated by the domain's own `EmployeeProfile` rules when it was read, and the store's `.noStream` check
    /// stands for `alreadyExists`. (A test holds the two equal.)
    public static func events(for employee: ImportedEmployee) -> [EmployeeEvent] {
        let created = EmployeeEvent.created(EmployeeCreated(empNo: employee.empNo, profile: employee.profile))
        return employee.passwordHash == nil ? [created] : [created, .passwordChanged(PasswordChanged())]
    }

    private func request(for employee: ImportedEmployee, actor: Actor, ids: inout EventIDs) -> AppendRequest {
        let events = Self.events(for: employee)
        var attachments: [String: String] = [:]
        if let hash = employee.passwordHash { attachments[EmployeeProjection.passwordHashAttachment] = hash }
        return AppendRequest(
            stream: EmployeeEventCodec.streamID(employee.empNo), expectedVersion: .noStream,
            events: events.map { EmployeeEventCodec.newEvent($0, id: ids.next()) }, metadata: actor.metadata,
            attachments: attachments)
    }

    private func account(
        for task: Task<BulkAppendReport, any Error>, lines: [Int], in summary: inout ImportSummary
    ) async throws {
        let report: BulkAppendReport
        do {
            report = try await task.value
        } catch let failure as BulkAppendFailure {
            summary.importedEmployees += failure.committed.appendedRequests
            summary.events += failure.committed.appendedEvents
            throw ImportFailed(summary: summary, error: failure.error)
        }
        summary.importedEmployees += report.appendedRequests
        summary.events += report.appendedEvents
        for (index, error) in report.failures {
            let reason: ImportRejection.Reason
            switch error {
            case .wrongExpectedVersion: reason = .existingEmployee
            case .rejected(let rejection) where rejection.reason == "duplicate_email": reason = .duplicateEmail
            case .rejected(let rejection): reason = .refused(rejection.reason)
            case .invalidRequest(let why): reason = .refused(why)
            case .unavailable: reason = .refused("database unavailable")
            }
            summary.rejections.append(ImportRejection(line: lines[index], reason: reason))
        }
    }

    /// `create` draws numbers from `employee_numbers`; after an import it must never hand out an imported one.
    private func moveEmployeeNumbersPastTheHighest() async throws {
        try await pool.withConnection { connection in
            _ = try connection.query(
                """
                SELECT setval('employee_numbers', highest) FROM (SELECT max(emp_no) AS highest FROM employees) AS imported
                WHERE highest > (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM employee_numbers)
                """)
        }
    }
}

/// The import stopped because the database failed; `summary` counts what was committed before.
public struct ImportFailed: Error, CustomStringConvertible {
    public let summary: ImportSummary
    public let error: AppendError

    public var description: String {
        "the import stopped after \(summary.importedEmployees) employees were committed: \(error)"
    }
}

/// Random (version 4) event ids drawn from the CSPRNG 4 KiB at a time: `UUID()` reads the kernel's random source once
/// per id, which costs more than the rest of making an event.
public struct EventIDs {
    private var random: [UInt8] = []
    private var offset = 0

    public mutating func next() -> UUID {
        if offset == random.count {
            random = SecureRandom.bytes(count: 4096)
            offset = 0
        }
        var bytes = Array(random[offset..<offset + 16])
        offset += 16
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
            bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
