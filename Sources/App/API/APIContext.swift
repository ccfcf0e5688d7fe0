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
    let queries: EmployeeQueries
    let principals: PrincipalTable
    let revokedTokens: RevokedTokenIDs
    let credentials: CredentialStore
    let securityLog: SecurityLog
    let passwords: PasswordService
    let today: @Sendable () -> CalendarDate
    let monitoring: Monitoring
}
