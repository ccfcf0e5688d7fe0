import Postgres

/// Where the reads that may lag run: a standby in rotation, else the primary.
///
/// Which reads come here is decided by the handlers: employee reads, search, history, the event log's pages and the
/// security log's pages. Commands, logins, token checks, idempotency records, the principal feed, the live event
/// stream and every read that decides a command stay on the primary.
///
/// A read that sends a `Consistency-Token` is served by a standby that has replayed at least the token's position,
/// waiting at most `consistencyWait` for one, else by the primary. A read on a standby that fails as a broken or
/// refused connection, or is cancelled by a recovery conflict, takes the standby out of rotation and runs again on
/// the primary, so a standby's fault never reaches a client; so does a read on a standby that stops answering
/// altogether, once the monitor notices (`StandbySet.whileAnswering`).
public struct ReadRouting: Sendable {
    /// The primary's pool and queries, or a standby's.
    public struct Target: Sendable {
        public let pool: PostgresPool
        public let queries: EmployeeQueries

        public init(pool: PostgresPool, queries: EmployeeQueries) {
            self.pool = pool
            self.queries = queries
        }
    }

    public let primary: Target
    public let standbys: StandbySet?
    public let standbyTargets: [Target]
    public let consistencyWait: Duration
    public let counters = ReadRoutingCounters()

    /// Everything on the primary, as without standbys.
    public init(primary: Target) {
        self.primary = primary
        standbys = nil
        standbyTargets = []
        consistencyWait = .zero
    }

    public init(primary: Target, standbys: StandbySet, consistencyWait: Duration) {
        self.primary = primary
        self.standbys = standbys
        standbyTargets = standbys.pools.map { Target(pool: $0, queries: EmployeeQueries(pool: $0)) }
        self.consistencyWait = consistencyWait
    }

    /// Runs `body` on the target a read belongs on, given the `Consistency-Token` its request sent (if any).
    public func run<Value: Sendable>(
        consistencyToken sent: String?, _ body: @escaping @Sendable (Target) async throws -> Value
    ) async throws -> Value {
        guard let standbys else { return try await body(primary) }
        let token = sent.flatMap(ConsistencyToken.init(header:))
        guard sent == nil || token != nil,
            let index = await standbys.standby(
                replayedAtLeast: token?.position, waitingAtMost: token == nil ? .zero : consistencyWait)
        else {
            counters.count(.primary)
            return try await body(primary)
        }
        do {
            let target = standbyTargets[index]
            let value = try await standbys.whileAnswering(index) { try await body(target) }
            counters.count(.standby)
            return value
        } catch  where Self.isStandbyFault(error) {
            standbys.reportFailure(index)
            counters.count(.fallback)
            return try await body(primary)
        }
    }

    /// How the service reaches a standby given by URL: as its own role, like the primary (`DatabaseRuntime`).
    /// A URL libpq cannot parse is refused; the message does not repeat it (it may hold a password).
    public static func standbyConfiguration(url: String) throws -> PostgresConfiguration {
        do {
            return standbyConfiguration(try PostgresConfiguration(url: url))
        } catch {
            throw ReadReplicaConfigurationError(
                description: "a --read-database-url (DATABASE_READ_URLS) is not a valid connection string")
        }
    }

    public static func standbyConfiguration(_ configuration: PostgresConfiguration) -> PostgresConfiguration {
        var configuration = configuration
        configuration.additionalParameters["options"] = "-c role=\(DatabaseRuntime.applicationRole)"
        configuration.applicationName = configuration.applicationName ?? "employees-reads"
        return configuration
    }

    /// Failures of the standby rather than of the read: anything that is not the server refusing the statement itself
    /// (a refused, broken or half-closed connection, a pool that cannot lend one), and the server's own classes for
    /// the same: connection (08), shutting down or starting up (57), out of resources (53), system errors (58), and a
    /// query cancelled because replay needed what it read (40001 on a standby). An error the statement would also get
    /// on the primary is not retried.
    public static func isStandbyFault(_ error: any Error) -> Bool {
        guard let error = error as? PostgresError else { return false }
        guard error.kind == .server, let code = error.code else { return true }
        return ["08", "53", "57", "58"].contains(code.errorClass) || code == .serializationFailure
    }
}
