import Accounts
import Dispatch
import Employees
import EventStore
import Foundation
import Postgres
import Records
import Security

/// Everything the handlers use, built once at start-up.
package struct APIContext: Sendable {
    package let pool: PostgresPool
    package let appender: BatchingAppender
    package let commands: EmployeeCommandService
    /// The primary's queries: for reads that decide or answer a command.
    package let queries: EmployeeQueries
    /// Where the reads that may lag run (a standby, else the primary).
    package let reads: ReadRouting
    package let principals: PrincipalTable
    package let revokedTokens: RevokedTokenIDs
    package let credentials: CredentialStore
    package let securityLog: SecurityLog
    package let passwords: PasswordService
    package let today: @Sendable () -> CalendarDate
    package let monitoring: Monitoring

    package init(
        pool: PostgresPool, appender: BatchingAppender, commands: EmployeeCommandService, queries: EmployeeQueries,
        reads: ReadRouting, principals: PrincipalTable, revokedTokens: RevokedTokenIDs, credentials: CredentialStore,
        securityLog: SecurityLog, passwords: PasswordService, today: @escaping @Sendable () -> CalendarDate,
        monitoring: Monitoring
    ) {
        self.pool = pool
        self.appender = appender
        self.commands = commands
        self.queries = queries
        self.reads = reads
        self.principals = principals
        self.revokedTokens = revokedTokens
        self.credentials = credentials
        self.securityLog = securityLog
        self.passwords = passwords
        self.today = today
        self.monitoring = monitoring
    }
}
