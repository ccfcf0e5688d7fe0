import Foundation
import Glibc

/// A streaming standby of an `EmbeddedPostgres`, for trying read scaling on one machine and for the replication tests.
///
/// Made once with `pg_basebackup -R -X stream` over the primary's Unix socket (no TCP anywhere: the replication
/// connection is the `local replication` line `initdb` writes, trusted like every local connection of the embedded
/// cluster). `-R` writes `standby.signal` and `primary_conninfo`, so the copy starts as a hot standby that follows the
/// primary; everything else (socket folder, port, the 0700 modes, running as `postgres` when we are root) is
/// `EmbeddedPostgres`'s, since the copy is an embedded cluster whose `embedded.conf` is rewritten for its own socket.
public enum EmbeddedStandby {
    /// The standby of `primary` in `folder`: made by a base backup when the folder holds no cluster yet, then started
    /// (a no-op when it runs already). `primary` must be running.
    public static func start(of primary: EmbeddedPostgres, folder: String, port: Int) throws(EmbeddedPostgresError)
        -> EmbeddedPostgres
    {
        var settings = primary.settings
        settings.port = port
        let standby = EmbeddedPostgres(folder: folder, settings: settings)
        let dataDirectory = standby.folder + "/data"
        if !FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            let tools = try PostgresTools.locate()
            let owner = try ClusterOwner.current()
            do {
                try FileManager.default.createDirectory(atPath: standby.folder, withIntermediateDirectories: true)
            } catch {
                throw EmbeddedPostgresError(step: "create \(standby.folder)", output: "\(error)")
            }
            guard chmod(standby.folder, 0o700) == 0, owner.chown(standby.folder) else {
                throw EmbeddedPostgresError(step: "chmod/chown \(standby.folder)", output: String(cString: strerror(errno)))
            }
            try owner.run(
                tools.pgBasebackup,
                [
                    "-D", dataDirectory, "-R", "-X", "stream", "-c", "fast", "-h", primary.socketDirectory,
                    "-p", String(primary.settings.port), "-U", "postgres", "--no-password",
                ],
                step: "pg_basebackup", in: standby.folder)
        }
        try standby.start()
        return standby
    }
}

extension PostgresTools {
    /// `pg_basebackup`, from the folder `initdb` really lives in (it may be reached through a symbolic link).
    var pgBasebackup: String {
        URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("pg_basebackup").path
    }
}
