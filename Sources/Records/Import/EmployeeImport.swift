import Crypto
import Employees
import EventStore
import Foundation
import Postgres

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
        // `create` draws from the sequence; after an import it must never hand out an imported number.
        try await EmployeeNumbers(pool: pool).skipPastHighestInUse()
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
            case .rejected(let rejection) where EmployeeRejection(rejection) == .emailTaken: reason = .duplicateEmail
            case .rejected(let rejection): reason = .refused(rejection.reason)
            case .invalidRequest(let why): reason = .refused(why)
            case .unavailable: reason = .refused("database unavailable")
            }
            summary.rejections.append(ImportRejection(line: lines[index], reason: reason))
        }
    }
}
