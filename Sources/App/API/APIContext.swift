import Accounts
import Dispatch
import Employees
import EventStore
import Foundation
import Postgres
import Records
import Security

/// Everything the handlers use, built once at start-up.
struct APIContext: Sendable {
    let pool: PostgresPool
    let appender: BatchingAppender
    let commands: EmployeeCommandService
    /// The primary's queries: for reads that decide or answer a command.
    let queries: EmployeeQueries
    /// Where the reads that may lag run (a standby, else the primary).
    let reads: ReadRouting
    let principals: PrincipalTable
    let revokedTokens: RevokedTokenIDs
    let credentials: CredentialStore
    let securityLog: SecurityLog
    let passwords: PasswordService
    let today: @Sendable () -> CalendarDate
    let monitoring: Monitoring
}
