import Foundation
import Glibc
import Postgres

/// The streaming standbys `serve --embedded-replicas N` runs beside the embedded cluster, for trying read scaling on
/// one machine: `<data-dir>/postgres-standby-<n>`, made once by a base backup over the primary's Unix socket and
/// reached over their own sockets only (see `EmbeddedStandby`).
public struct EmbeddedReplicas: Sendable {
    public let clusters: [EmbeddedPostgres]
    /// False for a standby another process had started: it is theirs to stop.
    private let stopsOnClose: [Bool]

    public static let none = EmbeddedReplicas(clusters: [], stopsOnClose: [])

    /// Starts `count` standbys of the runtime's embedded cluster (making them on first use). Blocking: start-up only.
    public static func start(count: Int, of database: DatabaseRuntime, dataDirectory: String, log: (String) -> Void) throws
        -> EmbeddedReplicas
    {
        guard count > 0 else { return .none }
        guard let primary = database.embedded else {
            throw ReadReplicaConfigurationError(
                description: "--embedded-replicas needs the embedded cluster; with --database-url, give --read-database-url")
        }
        var clusters: [EmbeddedPostgres] = []
        var stopsOnClose: [Bool] = []
        for number in 1...count {
            let folder = URL(fileURLWithPath: dataDirectory).appendingPathComponent("postgres-standby-\(number)").path
            let running = EmbeddedPostgres(folder: folder).postmasterProcessID.map { kill($0, 0) == 0 } ?? false
            clusters.append(try EmbeddedStandby.start(of: primary, folder: folder, port: primary.settings.port + number))
            stopsOnClose.append(!running)
            log("database: embedded streaming standby \(number) in \(folder) (Unix socket only)")
        }
        return EmbeddedReplicas(clusters: clusters, stopsOnClose: stopsOnClose)
    }

    /// How the service reads from them: its own database, as its own role.
    public var configurations: [PostgresConfiguration] {
        clusters.map { ReadRouting.standbyConfiguration($0.configuration.withDatabase(DatabaseRuntime.embeddedDatabaseName)) }
    }

    /// Stops the standbys this process started.
    public func stop() {
        for (cluster, stops) in zip(clusters, stopsOnClose) where stops { try? cluster.stop() }
    }
}
