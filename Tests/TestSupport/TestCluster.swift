import Foundation
import Postgres
import Synchronization

/// The throw-away PostgreSQL of a test process.
///
/// One shared cluster per process, in a fresh folder under /tmp, started by whichever test needs it first and stopped
/// (and its folder deleted) when the process exits. Tests get isolation from fresh databases (`makeDatabase()`), not
/// fresh clusters. A test that stops, kills or restarts a server must use a cluster of its own
/// (`makeSeparateCluster()`), so the other tests never see an outage.
public enum TestCluster {
    /// The shared cluster, started on first use.
    public static func shared() throws -> EmbeddedPostgres {
        try registry.withLock { registry in
            if let cluster = registry.shared { return cluster }
            let cluster = try makeCluster(registry: &registry)
            try cluster.start()
            registry.shared = cluster
            return cluster
        }
    }

    /// A new, empty database on the shared cluster, named after `prefix` and a counter.
    public static func makeDatabase(prefix: String = "test") throws -> PostgresConfiguration {
        let cluster = try shared()
        let number = registry.withLock { registry in
            registry.databaseCounter += 1
            return registry.databaseCounter
        }
        return try cluster.createDatabase("\(prefix)_\(number)")
    }

    /// A cluster of the caller's own, created but not started; stopped and deleted at process exit like the shared one.
    public static func makeSeparateCluster() throws -> EmbeddedPostgres {
        try registry.withLock { try makeCluster(registry: &$0) }
    }

    /// A streaming standby of `primary` (which must be running), started; stopped and deleted at process exit.
    public static func makeStandby(of primary: EmbeddedPostgres) throws -> EmbeddedPostgres {
        try registry.withLock { registry in
            let folder = try makeTemporaryDirectory(prefix: "pgstandby-\(getpid())")
            registry.folders.append(folder)
            installExitHandler(registry: &registry)
            let standby = try EmbeddedStandby.start(of: primary, folder: folder, port: primary.settings.port + 1)
            registry.clusters.append(standby)
            return standby
        }
    }

    /// A fresh folder under /tmp that is deleted at process exit (for migration files and the like).
    public static func makeTemporaryFolder() throws -> String {
        try registry.withLock { registry in
            let folder = try makeTemporaryDirectory(prefix: "pgfiles-\(getpid())")
            registry.folders.append(folder)
            installExitHandler(registry: &registry)
            return folder
        }
    }

    private struct Registry {
        var shared: EmbeddedPostgres?
        var clusters: [EmbeddedPostgres] = []
        var folders: [String] = []
        var databaseCounter = 0
        var exitHandlerInstalled = false
    }

    private static let registry = Mutex(Registry())

    private static func makeCluster(registry: inout Registry) throws -> EmbeddedPostgres {
        let folder = try makeTemporaryDirectory(prefix: "pgtest-\(getpid())")
        let cluster = EmbeddedPostgres(
            folder: folder, settings: EmbeddedPostgres.Settings(sharedBuffers: "32MB", durable: false))
        registry.clusters.append(cluster)
        registry.folders.append(folder)
        installExitHandler(registry: &registry)
        return cluster
    }

    private static func installExitHandler(registry: inout Registry) {
        guard !registry.exitHandlerInstalled else { return }
        registry.exitHandlerInstalled = true
        atexit {
            let (clusters, folders) = TestCluster.registry.withLock { ($0.clusters, $0.folders) }
            for cluster in clusters { try? cluster.stop() }
            for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
        }
    }

    private static func makeTemporaryDirectory(prefix: String) throws -> String {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let created else { throw CocoaError(.fileWriteUnknown) }
        return created
    }
}
