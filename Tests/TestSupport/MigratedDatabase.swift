import Foundation
import Postgres

/// A fresh database with the project's own migrations (`sql/`) applied: what the event store and the app run on.
public struct MigratedDatabase: Sendable {
    /// The cluster's superuser: for set-up, and for tests that play an attacker who bypasses the service.
    public let owner: PostgresConfiguration
    /// The service's view: the same database under the `employees_app` role, which cannot change the log.
    public let app: PostgresConfiguration

    /// The repository's `sql/` folder, found from this file's place in the tree.
    public static let migrationsFolder: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sql").path
    }()

    public static func make(prefix: String = "store") throws -> MigratedDatabase {
        let owner = try TestCluster.makeDatabase(prefix: prefix)
        let connection = try PostgresConnection.connect(to: owner)
        _ = try Migrator(folder: migrationsFolder).migrate(on: connection)
        var app = owner
        app.additionalParameters["options"] = "-c role=employees_app"
        return MigratedDatabase(owner: owner, app: app)
    }
}
