import EventStore
import Foundation
import Glibc
import Postgres
import Synchronization

/// `bench/appender`: many callers appending one small event at a time, through the batching appender and through one
/// transaction per append (the same statements), on a durable embedded cluster of its own, in one run.
///
/// usage: AppendBench [seconds per mode, default 10] [callers, default 64] [pool connections, default 12] [sweep]
///
/// With `sweep`, it then measures the batching appender alone against its largest batch and the server's
/// `commit_delay`, for docs/SCALING.md: appends/s, commits/s and the mean batch.

/// Appends from `callers` concurrent tasks, each to its own stream, until `seconds` have passed; returns appends/s.
func measure(
    callers: Int, seconds: Double, label: String, append: @escaping @Sendable (AppendRequest) async throws -> Void
) async throws -> Double {
    let started = ContinuousClock.now
    let deadline = started + .milliseconds(Int(seconds * 1000))
    let total = try await withThrowingTaskGroup(of: Int.self) { group in
        for caller in 0..<callers {
            group.addTask {
                let stream = StreamID("\(label)-\(caller)")
                var version = 0
                while ContinuousClock.now < deadline {
                    let request = AppendRequest(
                        stream: stream, expectedVersion: version == 0 ? .noStream : .exactly(version),
                        events: [
                            NewEvent(type: "Ticked", data: .object(["caller": .int(Int64(caller)), "n": .int(Int64(version))]))
                        ],
                        metadata: .object(["principal": .string("bench")]))
                    try await append(request)
                    version += 1
                }
                return version
            }
        }
        return try await group.reduce(0, +)
    }
    let elapsed = (ContinuousClock.now - started).components
    return Double(total) / (Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
}

func migrationsFolder() -> String {
    let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sql").path
    let candidates = [FileManager.default.currentDirectoryPath + "/sql", fromSource]
    return candidates.first { FileManager.default.fileExists(atPath: $0 + "/0001_event_store.sql") } ?? fromSource
}

func temporaryFolder() -> String {
    var template = Array("/tmp/append-bench.XXXXXX".utf8CString)
    let folder = template.withUnsafeMutableBufferPointer { buffer -> String in
        guard let base = buffer.baseAddress, mkdtemp(base) != nil else { fatalError("mkdtemp failed") }
        return String(cString: base)
    }
    chmod(folder, 0o755)
    return folder
}

/// The batching appender alone, for each largest batch and each `commit_delay` (microseconds, set as the superuser).
func sweep(owner: PostgresConfiguration, options: Options) async throws {
    var superuser = owner
    superuser.additionalParameters["options"] = nil
    let settings = try PostgresConnection.connect(to: superuser)
    print("sweep: \(options.callers) callers, \(options.seconds / 2) s each")
    print("commit_delay_us  max_batch  appends/s  commits/s  mean_batch  ms/commit")
    for (delay, maximumBatch) in [(0, 1), (0, 8), (0, 64), (0, 512), (100, 512), (1_000, 512), (5_000, 512)] {
        try settings.execute(PostgresQuery(unsafeSQL: "ALTER SYSTEM SET commit_delay = \(delay)"))
        try settings.execute("SELECT pg_reload_conf()")
        let pool = PostgresPool(configuration: owner, maximumConnections: options.connections)
        let appender = BatchingAppender(pool: pool, projections: [], maximumBatchSize: maximumBatch)
        let rate = try await measure(
            callers: options.callers, seconds: options.seconds / 2, label: "sweep-\(delay)-\(maximumBatch)"
        ) {
            _ = try await appender.append($0)
        }
        let statistics = appender.currentStatistics
        await pool.shutdown()
        let commits = rate / (Double(statistics.requests) / Double(max(statistics.batches, 1)))
        print(
            String(
                format: "%15d  %9d  %9.0f  %9.0f  %10.1f  %9.2f", delay, maximumBatch, rate, commits,
                Double(statistics.requests) / Double(max(statistics.batches, 1)), 1000 / commits))
    }
    try settings.execute("ALTER SYSTEM RESET commit_delay")
    try settings.execute("SELECT pg_reload_conf()")
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let folder = temporaryFolder()
let cluster = EmbeddedPostgres(
    folder: folder + "/postgres",
    settings: EmbeddedPostgres.Settings(maximumConnections: 50, sharedBuffers: "128MB", durable: true))
var status: Int32 = 0
do {
    try cluster.start()
    var owner = try cluster.createDatabase("bench")
    _ = try Migrator(folder: migrationsFolder()).migrate(on: PostgresConnection.connect(to: owner))
    owner.additionalParameters["options"] = "-c role=employees_app"
    let settings = try PostgresConnection.connect(to: owner).query(
        "SELECT current_setting('synchronous_commit'), current_setting('fsync')")
    let synchronousCommit = try settings[0].decode(String.self, column: 0)
    let fsync = try settings[0].decode(String.self, column: 1)
    print(
        "cluster: synchronous_commit=\(synchronousCommit) fsync=\(fsync); \(options.callers) callers, \(options.connections) pool connections, \(options.seconds) s per mode"
    )

    let batchingPool = PostgresPool(configuration: owner, maximumConnections: options.connections)
    let appender = BatchingAppender(pool: batchingPool, projections: [])
    let batched = try await measure(callers: options.callers, seconds: options.seconds, label: "batched") { request in
        _ = try await appender.append(request)
    }
    let statistics = appender.currentStatistics
    await batchingPool.shutdown()

    let unbatchedPool = PostgresPool(configuration: owner, maximumConnections: options.connections)
    let unbatchedAppender = UnbatchedAppender(pool: unbatchedPool, projections: [])
    let unbatched = try await measure(callers: options.callers, seconds: options.seconds, label: "unbatched") { request in
        _ = try await unbatchedAppender.append(request)
    }
    await unbatchedPool.shutdown()

    let verifierPool = PostgresPool(configuration: owner, maximumConnections: 1)
    let verified = try await ChainVerifier(pool: verifierPool).verify()
    await verifierPool.shutdown()
    print(
        String(
            format: "batching appender:          %9.0f appends/s (%d batches, mean %.1f, largest %d requests)",
            batched, statistics.batches, Double(statistics.requests) / Double(max(statistics.batches, 1)),
            statistics.largestBatchSize))
    print(String(format: "one transaction per append: %9.0f appends/s", unbatched))
    print(String(format: "ratio batching/unbatched:   %9.1fx (target >= 5x)", batched / unbatched))
    print("chain: \(verified.isIntact ? "intact" : "BROKEN"), \(verified.eventsChecked) events")
    if options.sweep { try await sweep(owner: owner, options: options) }
} catch {
    FileHandle.standardError.write(Data("AppendBench failed: \(error)\n".utf8))
    status = 1
}
try? cluster.stop()
try? FileManager.default.removeItem(atPath: folder)
exit(status)
