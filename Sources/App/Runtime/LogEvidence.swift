import EventStore
import Postgres
import Security

/// Wires the log's evidence: the signing key (data folder or `EMPLOYEES_LOG_SIGNING_KEY`), its publication in the
/// database, and the background signer of `serve`. See docs/LOG-EVIDENCE.md.
public enum LogEvidence {
    /// The signer of this process, its public key published (and any older key's validity ended).
    public static func signer(
        dataDirectory: String, environment: [String: String], pool: PostgresPool
    ) async throws -> LogSigner {
        let key = try LogSigningKeyFile.load(dataDirectory: dataDirectory, environment: environment)
        let signer = LogSigner(key: key, keyID: LogSigningKeyFile.keyID(of: key.publicKey))
        try await LogCheckpointStore(pool: pool).register(signer)
        return signer
    }

    /// `EMPLOYEES_CHECKPOINT_EVERY_EVENTS` (default 1000) and `EMPLOYEES_CHECKPOINT_EVERY_SECONDS` (default 60).
    static func schedule(_ environment: [String: String]) -> LogCheckpointer.Schedule {
        let defaults = LogCheckpointer.Schedule()
        func positive(_ name: String) -> Int64? {
            environment[name].flatMap(Int64.init).flatMap { $0 > 0 ? $0 : nil }
        }
        return LogCheckpointer.Schedule(
            everyEvents: positive("EMPLOYEES_CHECKPOINT_EVERY_EVENTS") ?? defaults.everyEvents,
            everySeconds: positive("EMPLOYEES_CHECKPOINT_EVERY_SECONDS") ?? defaults.everySeconds)
    }

    /// Starts signing checkpoints in the background until the task is cancelled.
    static func startCheckpointing(
        dataDirectory: String, environment: [String: String], pool: PostgresPool, log: @escaping @Sendable (String) -> Void
    ) async throws -> Task<Void, Never> {
        let signer = try await signer(dataDirectory: dataDirectory, environment: environment, pool: pool)
        let checkpointer = LogCheckpointer(pool: pool, signer: signer, schedule: schedule(environment))
        log("log checkpoints: signing with key \(signer.keyID)")
        return Task { await checkpointer.run(report: log) }
    }
}
