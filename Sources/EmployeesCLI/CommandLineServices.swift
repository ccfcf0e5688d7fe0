import Accounts
import App
import Crypto
import Dispatch
import Employees
import EventStore
import Foundation
import Glibc
import Postgres
import Records

/// The pieces the command-line subcommands share.
struct CommandLineServices {
    let database: DatabaseRuntime
    let pool: PostgresPool
    let projections: [any InlineProjection]
    let appender: BatchingAppender

    init(database: DatabaseRuntime) {
        self.database = database
        pool = PostgresPool(configuration: database.application, maximumConnections: 4)
        projections = [EmployeeProjection()]
        appender = BatchingAppender(pool: pool, projections: projections)
    }
}
