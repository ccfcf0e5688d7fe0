import Foundation
import Glibc

/// A PostgreSQL cluster in a local folder, for development, tests and single-host installs.
///
/// Layout: `<folder>/data` (the cluster), `<folder>/socket` (the Unix socket, mode 0700), `<folder>/postgres.log`.
/// The server listens on no TCP address at all (`listen_addresses = ''`); local socket connections are trusted, which
/// is safe because only the folder's owner (and root) can enter the socket directory. A socket path is limited to 107
/// bytes; when `<folder>/socket/.s.PGSQL.<port>` would be longer, the socket goes to `/tmp/.pg-<hash of the folder>`
/// instead (same 0700 mode).
/// When the process runs as root, `initdb` and the server run as the `postgres` OS user (via `runuser`), which then owns
/// the folder; PostgreSQL refuses to run as root.
///
/// Calls block (they run `initdb` and `pg_ctl`): use them at start-up or from tests, not from async request code.
public final class EmbeddedPostgres: Sendable {
    public struct Settings: Sendable {
        /// The port only names the socket file; nothing listens on TCP.
        public var port: Int
        public var maximumConnections: Int
        /// 256 MB by default: twice PostgreSQL's own default, enough to keep the hot part of a few hundred thousand
        /// employees and their log in memory (with 64 MB, batched writes spent most of their time reading pages back).
        public var sharedBuffers: String
        /// False trades crash safety for speed (`fsync`, `synchronous_commit`, `full_page_writes` off): for tests only.
        public var durable: Bool

        public init(port: Int = 5432, maximumConnections: Int = 100, sharedBuffers: String = "256MB", durable: Bool = true) {
            self.port = port
            self.maximumConnections = maximumConnections
            self.sharedBuffers = sharedBuffers
            self.durable = durable
        }
    }

    public let folder: String
    public let settings: Settings
    /// The directory of the server's Unix socket.
    public let socketDirectory: String
    private let dataDirectory: String

    public init(folder: String, settings: Settings = Settings()) {
        let folder = URL(fileURLWithPath: folder).standardizedFileURL.path
        self.folder = folder
        self.settings = settings
        dataDirectory = folder + "/data"
        let preferred = folder + "/socket"
        if (preferred + "/.s.PGSQL.\(settings.port)").utf8.count <= 107 {
            socketDirectory = preferred
        } else {
            socketDirectory = "/tmp/.pg-" + stableHash(folder)
        }
    }

    /// How to connect as the superuser `postgres` to the database `postgres`.
    public var configuration: PostgresConfiguration {
        PostgresConfiguration(
            endpoint: .unixSocket(directory: socketDirectory, port: settings.port), user: "postgres",
            database: "postgres")
    }

    /// Creates the cluster on first use, starts the server (recovering from a stale `postmaster.pid` left by a killed
    /// server), waits until it accepts connections, and returns how to connect. Starting a running cluster is a no-op.
    @discardableResult
    public func start() throws(EmbeddedPostgresError) -> PostgresConfiguration {
        let tools = try PostgresTools.locate()
        let owner = try ClusterOwner.current()
        try prepareDirectory(folder, owner: owner)
        try prepareDirectory(socketDirectory, owner: owner)
        if !FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            try initializeCluster(tools: tools, owner: owner)
        }
        try writeSettings(owner: owner)
        if let pid = postmasterProcessID {
            if isLivePostgres(pid) {
                try waitUntilAcceptingConnections()
                return configuration
            }
            try waitForOrphanedServerProcesses()
            removeStaleLockFiles()
        }
        do {
            try owner.run(
                tools.pgCtl,
                ["start", "-D", dataDirectory, "-l", folder + "/postgres.log", "-w", "-t", "60", "-s"],
                step: "pg_ctl start", in: folder)
        } catch {
            let log = (try? String(contentsOfFile: folder + "/postgres.log", encoding: .utf8)) ?? ""
            let tail = log.split(separator: "\n").suffix(10).joined(separator: "\n")
            throw EmbeddedPostgresError(step: error.step, output: error.output + "\n" + tail)
        }
        try waitUntilAcceptingConnections()
        return configuration
    }

    /// Stops the server (`pg_ctl stop -m fast`: open transactions are rolled back, connections closed; with
    /// `immediately`, `-m immediate`: every server process quits at once, as in a crash). Stopping a stopped cluster is
    /// a no-op.
    public func stop(immediately: Bool = false) throws(EmbeddedPostgresError) {
        guard let pid = postmasterProcessID, isLivePostgres(pid) else { return }
        let tools = try PostgresTools.locate()
        let owner = try ClusterOwner.current()
        try owner.run(
            tools.pgCtl, ["stop", "-D", dataDirectory, "-m", immediately ? "immediate" : "fast", "-w", "-t", "60", "-s"],
            step: "pg_ctl stop", in: folder)
    }

    /// Creates a database owned by `postgres` and returns how to connect to it.
    public func createDatabase(_ name: String) throws(PostgresError) -> PostgresConfiguration {
        let connection = try PostgresConnection.connect(to: configuration)
        try connection.executeSimple("CREATE DATABASE \(quotedIdentifier(name))")
        return configuration.withDatabase(name)
    }

    /// The postmaster's process id as recorded in `postmaster.pid`, if the file exists (even if stale).
    public var postmasterProcessID: Int32? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
            let firstLine = text.split(separator: "\n").first
        else { return nil }
        return Int32(firstLine.trimmingCharacters(in: .whitespaces))
    }

    // MARK: - Steps

    private func prepareDirectory(_ path: String, owner: ClusterOwner) throws(EmbeddedPostgresError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw EmbeddedPostgresError(step: "create \(path)", output: "\(error)")
        }
        guard chmod(path, 0o700) == 0, owner.chown(path) else {
            throw EmbeddedPostgresError(step: "chmod/chown \(path)", output: String(cString: strerror(errno)))
        }
    }

    private func initializeCluster(tools: PostgresTools, owner: ClusterOwner) throws(EmbeddedPostgresError) {
        var arguments = [
            "-D", dataDirectory, "-U", "postgres", "-E", "UTF8", "--no-locale", "--auth-local=trust",
            "--auth-host=reject", "--no-instructions",
        ]
        if !settings.durable { arguments.append("--no-sync") }
        try owner.run(tools.initdb, arguments, step: "initdb", in: folder)
        let configurationFile = dataDirectory + "/postgresql.conf"
        guard let handle = FileHandle(forWritingAtPath: configurationFile) else {
            throw EmbeddedPostgresError(step: "open postgresql.conf", output: configurationFile)
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(
                contentsOf: Data("\n# Written by EmbeddedPostgres, rewritten at every start.\ninclude 'embedded.conf'\n".utf8))
        } catch {
            throw EmbeddedPostgresError(step: "write postgresql.conf", output: "\(error)")
        }
    }

    private func writeSettings(owner: ClusterOwner) throws(EmbeddedPostgresError) {
        func quoted(_ value: String) -> String { "'" + value.replacingOccurrences(of: "'", with: "''") + "'" }
        var lines = [
            "listen_addresses = ''",
            "unix_socket_directories = \(quoted(socketDirectory))",
            "unix_socket_permissions = 0700",
            "port = \(settings.port)",
            "max_connections = \(settings.maximumConnections)",
            "shared_buffers = \(quoted(settings.sharedBuffers))",
        ]
        if !settings.durable {
            lines += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        }
        let path = dataDirectory + "/embedded.conf"
        do {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        } catch {
            throw EmbeddedPostgresError(step: "write embedded.conf", output: "\(error)")
        }
        guard owner.chown(path) else {
            throw EmbeddedPostgresError(step: "chown embedded.conf", output: String(cString: strerror(errno)))
        }
    }

    private func waitUntilAcceptingConnections() throws(EmbeddedPostgresError) {
        var lastError: PostgresError?
        for _ in 0..<300 {
            do {
                _ = try PostgresConnection.connect(to: configuration)
                return
            } catch {
                lastError = error
                usleep(100_000)
            }
        }
        throw EmbeddedPostgresError(step: "wait for server", output: lastError?.debugDescription ?? "")
    }

    /// The dead postmaster's lock files: `postmaster.pid`, and the socket's lock file and socket, which the new
    /// postmaster would otherwise refuse because an unreaped (zombie) pid still looks alive to it. The socket
    /// directory is ours alone, so nothing else can own them.
    private func removeStaleLockFiles() {
        let socket = socketDirectory + "/.s.PGSQL.\(settings.port)"
        for path in [dataDirectory + "/postmaster.pid", socket + ".lock", socket] {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// After the postmaster was killed, its children exit on their own within moments; a new postmaster refuses to
    /// start while they still hold the old shared memory. They are the processes whose working directory is the data
    /// directory.
    private func waitForOrphanedServerProcesses() throws(EmbeddedPostgresError) {
        let resolvedData = URL(fileURLWithPath: dataDirectory).resolvingSymlinksInPath().path
        for _ in 0..<150 {
            let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            let orphans = processes.filter { name in
                guard let pid = Int32(name), isLivePostgres(pid) else { return false }
                return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(name)/cwd")) == resolvedData
            }
            if orphans.isEmpty { return }
            usleep(100_000)
        }
        throw EmbeddedPostgresError(step: "wait for old server processes to exit", output: dataDirectory)
    }
}

/// True when `pid` is a running (not zombie) process named `postgres`. A pid file can name a pid that was reused by
/// an unrelated process, or a killed postmaster that nobody has reaped yet.
private func isLivePostgres(_ pid: Int32) -> Bool {
    guard let stat = readProcFile("/proc/\(pid)/stat"),
        let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
    else { return false }
    let name = stat[stat.index(after: open)..<close]
    let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
    return (name == "postgres" || name == "postmaster") && state != "Z" && state != "X"
}

/// Reads a file of /proc with plain `read` calls: such files report a size of 0, which Foundation's readers trust.
private func readProcFile(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var content: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { break }
        content += chunk[0..<count]
    }
    return String(decoding: content, as: UTF8.self)
}

/// FNV-1a, 64 bits, in hex: a short, stable name derived from a path.
private func stableHash(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return String(hash, radix: 16)
}
