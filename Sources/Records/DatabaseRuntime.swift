import Foundation
import Glibc
import Postgres

/// The database the service runs on: an external PostgreSQL named by `DATABASE_URL`, or else an embedded cluster
/// in the data folder. Migrations run as the configured (owner) user; the service then works as `employees_app`.
public final class DatabaseRuntime: Sendable {
    /// The name of the service's database inside an embedded cluster.
    public static let embeddedDatabaseName = "employees"
    /// The role the service works under; it may append to the log but never change it (see `sql/0001`).
    public static let applicationRole = "employees_app"

    public let owner: PostgresConfiguration
    public let application: PostgresConfiguration
    public let embedded: EmbeddedPostgres?
    public let migrationsFolder: String
    /// False when another process (a running `serve`) had already started the embedded cluster: then it is theirs
    /// to stop, not ours.
    private let stopsClusterOnClose: Bool

    private init(
        owner: PostgresConfiguration, embedded: EmbeddedPostgres?, migrationsFolder: String, stopsClusterOnClose: Bool = false
    ) {
        self.stopsClusterOnClose = stopsClusterOnClose
        self.owner = owner
        var application = owner
        application.additionalParameters["options"] = "-c role=\(Self.applicationRole)"
        application.applicationName = application.applicationName ?? "employees"
        self.application = application
        self.embedded = embedded
        self.migrationsFolder = migrationsFolder
    }

    /// Connects to (or starts) the database and applies pending migrations. Blocking: call at start-up.
    /// `databaseURL` nil means: the embedded cluster in `dataDirectory`.
    public static func open(databaseURL: String?, dataDirectory: String, log: (String) -> Void) throws -> DatabaseRuntime {
        let migrations = try locateMigrationsFolder()
        let runtime: DatabaseRuntime
        if let url = databaseURL {
            runtime = DatabaseRuntime(owner: try PostgresConfiguration(url: url), embedded: nil, migrationsFolder: migrations)
            log("database: external PostgreSQL (\(runtime.owner))")
        } else {
            let folder = URL(fileURLWithPath: dataDirectory).appendingPathComponent("postgres").path
            let cluster = EmbeddedPostgres(folder: folder)
            let alreadyRunning = cluster.postmasterProcessID.map { kill($0, 0) == 0 } ?? false
            let superuser = try cluster.start()
            let connection = try PostgresConnection.connect(to: superuser)
            let exists = try connection.query(
                "SELECT 1 FROM pg_database WHERE datname = \(embeddedDatabaseName)")
            if exists.isEmpty { _ = try cluster.createDatabase(embeddedDatabaseName) }
            runtime = DatabaseRuntime(
                owner: superuser.withDatabase(embeddedDatabaseName), embedded: cluster, migrationsFolder: migrations,
                stopsClusterOnClose: !alreadyRunning)
            log("database: embedded PostgreSQL in \(folder) (Unix socket only)")
        }
        let applied = try runtime.migrate()
        log(applied.isEmpty ? "migrations: up to date" : "migrations: applied \(applied.joined(separator: ", "))")
        return runtime
    }

    /// Applies the pending migrations and returns their file names.
    public func migrate() throws -> [String] {
        let connection = try PostgresConnection.connect(to: owner)
        return try Migrator(folder: migrationsFolder).migrate(on: connection)
    }

    /// Gathers the planner's statistics for every table, as the owner. Run after a bulk load or a rebuild: until
    /// autovacuum gets to it (a minute at best), the planner knows nothing of the new rows and can misjudge a batched
    /// `= ANY($1)` read by orders of magnitude.
    public func refreshStatistics() throws {
        let connection = try PostgresConnection.connect(to: owner)
        try connection.execute("ANALYZE")
    }

    /// Stops the embedded cluster, if this runtime started it.
    public func close() {
        if stopsClusterOnClose { try? embedded?.stop() }
    }

    /// `EMPLOYEES_SQL_DIR`, else `sql/` in the working directory, else `sql/` beside the package the binary was
    /// built in (`.build/<triple>/<configuration>/employees`), else `../share/employees/sql` from the binary.
    public static func locateMigrationsFolder() throws -> String {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["EMPLOYEES_SQL_DIR"], !explicit.isEmpty {
            candidates.append(explicit)
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/sql")
        let binary = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var folder = binary.deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent("sql").path)
            candidates.append(folder.appendingPathComponent("share/employees/sql").path)
            folder = folder.deletingLastPathComponent()
        }
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate + "/0001_event_store.sql") {
            return URL(fileURLWithPath: candidate).standardizedFileURL.path
        }
        throw MigrationsNotFound(searched: candidates)
    }

    public struct MigrationsNotFound: Error, CustomStringConvertible {
        let searched: [String]
        public var description: String {
            "the SQL migrations were not found; set EMPLOYEES_SQL_DIR (searched: \(searched.joined(separator: ", ")))"
        }
    }
}
