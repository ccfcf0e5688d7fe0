import Employees
import EventStore
import Foundation
import Postgres
import Records
import Security
import Synchronization

/// Keeps the in-memory principal table in step with the log: a snapshot of the projections at their checkpoint
/// at start-up, then every event after it as it commits (LISTEN/NOTIFY, catch-up by position after a reconnect).
/// A revoked scope, a disabled employee or a changed password thus bites on already-issued tokens within a moment.
public final class PrincipalFeed: Sendable {
    /// The position applied so far, shared with the follower task.
    private final class Progress: Sendable {
        let position: Atomic<Int64>
        init(_ position: Int64) { self.position = Atomic(position) }
    }

    public let table: PrincipalTable
    private let progress: Progress
    private let follower: Task<Void, Never>

    private init(table: PrincipalTable, startPosition: Int64, follower: EventFollower) {
        self.table = table
        let progress = Progress(startPosition)
        self.progress = progress
        self.follower = Task {
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                do {
                    let after = progress.position.load(ordering: .acquiring)
                    for try await page in follower.pages(after: after) {
                        for event in page { Self.apply(event, to: table) }
                        if let last = page.last { progress.position.store(last.position, ordering: .releasing) }
                        delay = .milliseconds(100)
                    }
                } catch {
                    // The database is unreachable: keep the table as it is and resume from our position later.
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(2))
                }
            }
        }
    }

    /// The log position the table reflects.
    public var position: Int64 { progress.position.load(ordering: .acquiring) }

    public static func start(pool: PostgresPool, watcher: LogWatcher) async throws -> PrincipalFeed {
        let table = PrincipalTable()
        let position = try await pool.withConnection { connection in
            try connection.withTransaction {
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                return try loadSnapshot(into: table, on: connection)
            }
        }
        return PrincipalFeed(table: table, startPosition: position, follower: EventFollower(pool: pool, watcher: watcher))
    }

    public func stop() {
        follower.cancel()
    }

    /// Fills the table from the projections (one consistent snapshot) and returns their checkpoint position.
    private static func loadSnapshot(into table: PrincipalTable, on connection: PostgresConnection) throws -> Int64 {
        let checkpoint =
            try connection.query("SELECT position FROM projection_checkpoints WHERE projection = 'employees'")
            .first?.decode(Int64.self, column: 0) ?? 0
        var scopes: [Int64: [Scope]] = [:]
        for row in try connection.query("SELECT emp_no, scope FROM employee_scopes") {
            if let scope = Scope(rawValue: try row.decode(String.self, column: 1)) {
                scopes[try row.decode(Int64.self, column: 0), default: []].append(scope)
            }
        }
        for row in try connection.query("SELECT emp_no, disabled, updated_at FROM employees") {
            let empNo = try row.decode(Int64.self, column: 0)
            let at = try row.decode(Date.self, column: 2)
            table.apply(
                PrincipalUpdate(
                    empNo: empNo, change: .scopesSet(ScopeSet(scopes[empNo] ?? [])), occurredAt: at, position: checkpoint))
            if try row.decode(Bool.self, column: 1) {
                table.apply(PrincipalUpdate(empNo: empNo, change: .disabled, occurredAt: at, position: checkpoint))
            }
        }
        for row in try connection.query("SELECT emp_no, changed_at FROM credentials") {
            table.apply(
                PrincipalUpdate(
                    empNo: try row.decode(Int64.self, column: 0), change: .passwordChanged,
                    occurredAt: try row.decode(Date.self, column: 1), position: checkpoint))
        }
        return checkpoint
    }

    /// Translates one employee event into the principal change it implies.
    public static func apply(_ recorded: RecordedEvent, to table: PrincipalTable) {
        guard recorded.type != EmployeeEvent.updatedTypeName,
            let empNo = try? EmployeeEventCodec.employeeNumber(of: recorded.streamID),
            let event = try? EmployeeEventCodec.domainEvent(recorded)
        else { return }
        let principal = Int64(empNo)
        let current = table.snapshot(empNo: principal)?.scopes ?? .empty
        let change: PrincipalUpdate.Change? =
            switch event {
            case .created: .scopesSet(.empty)
            case .scopeGranted(let granted): Scope(rawValue: granted.scope).map { .scopesSet(current.union([$0])) }
            case .scopeRevoked(let revoked):
                Scope(rawValue: revoked.scope).map { scope in .scopesSet(ScopeSet(current.scopes.filter { $0 != scope })) }
            case .disabled: .disabled
            case .enabled: .enabled
            case .passwordChanged: .passwordChanged
            case .updated: nil
            }
        guard let change else { return }
        table.apply(
            PrincipalUpdate(empNo: principal, change: change, occurredAt: recorded.recordedAt, position: recorded.position))
    }
}
