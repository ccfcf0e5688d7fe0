import Foundation
import Glibc

/// The OS user the cluster runs as: ourselves, or `postgres` when we are root.
struct ClusterOwner {
    /// Set when running as root: the account that owns the cluster, and `runuser` to become it.
    let account: (uid: uid_t, gid: gid_t, runuser: String)?

    static func current() throws(EmbeddedPostgresError) -> ClusterOwner {
        guard geteuid() == 0 else { return ClusterOwner(account: nil) }
        guard let entry = getpwnam("postgres") else {
            throw EmbeddedPostgresError(step: "find the postgres OS user", output: "running as root needs it")
        }
        let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
            .first(where: FileManager.default.isExecutableFile(atPath:))
        guard let runuser else { throw EmbeddedPostgresError(step: "find runuser", output: "not installed") }
        return ClusterOwner(account: (entry.pointee.pw_uid, entry.pointee.pw_gid, runuser))
    }

    func chown(_ path: String) -> Bool {
        guard let account else { return true }
        return Glibc.chown(path, account.uid, account.gid) == 0
    }

    /// Runs a PostgreSQL tool as the cluster owner and waits for it, its output going to `<directory>/last-command.log`,
    /// which is reported when the tool fails.
    ///
    /// `posix_spawn` rather than Foundation's `Process`: `pg_ctl start` leaves a daemon behind, and `Process` waits
    /// for every inheritor of a descriptor it hands the child, so it would wait for the server to exit. Here the child
    /// inherits no descriptor beyond standard input, output and error, and we wait for its exit status only.
    func run(_ executable: String, _ arguments: [String], step: String, in directory: String)
        throws(EmbeddedPostgresError)
    {
        let logPath = directory + "/last-command.log"
        let argv = account.map { [$0.runuser, "-u", "postgres", "--", executable] } ?? [executable]
        let status = spawnAndWait(argv + arguments, outputPath: logPath)
        guard status == 0 else {
            let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "exit status \(status)"
            throw EmbeddedPostgresError(step: step, output: output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Returns the exit status, or -1 when the process could not be started.
    private func spawnAndWait(_ argv: [String], outputPath: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let inherited = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [])
            .compactMap(Int32.init).filter { $0 > 2 }
        for descriptor in inherited { posix_spawn_file_actions_addclose(&actions, descriptor) }

        let environment = ["PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", "LANG=C"]
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid = pid_t()
        guard posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return -1 }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
