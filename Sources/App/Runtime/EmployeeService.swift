import Accounts
import Console
import Employees
import EventStore
import Foundation
import HTTP
import Operations
import Postgres
import Records
import Security

/// The running service: database, write path, principal feed, keys and the HTTP server, wired once.
public final class EmployeeService: Sendable {
    /// Who tokens are issued by and for.
    static let issuer = "employees"
    static let audience = "employees-api"

    public let addresses: [HTTPServer.Address]
    let database: DatabaseRuntime
    let context: APIContext
    let keys: JWTKeySet
    let issuerService: AccessTokenIssuer
    let routes: [RegisteredRoute]
    /// The web console's page-only routes (the API operations' HTML twins are in `routes`).
    let pages: [RegisteredRoute]
    private let server: HTTPServer
    private let watcher: LogWatcher
    private let feed: PrincipalFeed
    /// Reads other instances' revoked access tokens (see `RevokedTokenIDs`).
    private let revocationFeed: Task<Void, Never>
    /// Signs the log's checkpoints while events arrive (see `LogEvidence`).
    private let checkpointing: Task<Void, Never>
    /// HTTPS, when configured.
    let tls: ServiceTLS?
    private let replicas: EmbeddedReplicas

    private init(
        addresses: [HTTPServer.Address], database: DatabaseRuntime, context: APIContext, keys: JWTKeySet,
        issuer: AccessTokenIssuer, routes: [RegisteredRoute], pages: [RegisteredRoute], server: HTTPServer, watcher: LogWatcher,
        feed: PrincipalFeed, revocationFeed: Task<Void, Never>, checkpointing: Task<Void, Never>, tls: ServiceTLS?,
        replicas: EmbeddedReplicas
    ) {
        self.replicas = replicas
        self.addresses = addresses
        self.database = database
        self.context = context
        self.keys = keys
        self.issuerService = issuer
        self.routes = routes
        self.pages = pages
        self.server = server
        self.watcher = watcher
        self.feed = feed
        self.revocationFeed = revocationFeed
        self.checkpointing = checkpointing
        self.tls = tls
    }

    /// Opens (or starts) the database, migrates, loads keys and principals, and starts serving.
    public static func start(
        _ configuration: ServiceConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        log: @escaping @Sendable (String) -> Void = StandardError.write
    ) async throws -> EmployeeService {
        let tls = try ServiceTLS.prepare(
            configuration.tls, host: configuration.host, dataDirectory: configuration.dataDirectory, log: log)
        guard let trustedProxies = IPNetwork.list(environment["EMPLOYEES_TRUSTED_PROXIES"] ?? "") else {
            throw TrustedProxiesSettingError()
        }
        let keys = try loadKeys(configuration, environment: environment)
        let readURLs = try configuration.readDatabaseURLs.map(ReadRouting.standbyConfiguration(url:))
        let database = try DatabaseRuntime.open(configuration, log: log)
        let poolSize = environment["EMPLOYEES_POOL_SIZE"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 16
        let pool = PostgresPool(configuration: database.application, maximumConnections: poolSize, acquireTimeout: .seconds(5))
        let batchSize = environment["EMPLOYEES_APPEND_BATCH_SIZE"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 512
        let appender = BatchingAppender(pool: pool, projections: [EmployeeProjection()], maximumBatchSize: batchSize)
        let watcher = LogWatcher(configuration: database.application)
        let feed = try await PrincipalFeed.start(pool: pool, watcher: watcher)
        let revoked = RevokedTokenIDs(pool: pool)
        try await revoked.refresh()
        let revocationFeed = revoked.follow()
        let checkpointing = try await LogEvidence.startCheckpointing(
            dataDirectory: configuration.dataDirectory, environment: environment, pool: pool, log: log)
        let today: @Sendable () -> CalendarDate = { CalendarDate.todayUTC() }
        let replicas = try EmbeddedReplicas.start(
            count: configuration.embeddedReplicas, of: database, dataDirectory: configuration.dataDirectory, log: log)
        let queries = EmployeeQueries(pool: pool)
        let positions = WALInsertPosition(pool: pool)
        let reads = readRouting(
            readURLs + replicas.configurations, primary: ReadRouting.Target(pool: pool, queries: queries), positions: positions,
            environment: environment, log: log)
        let context = APIContext(
            pool: pool, appender: appender, commands: EmployeeCommandService(pool: pool, appender: appender, today: today),
            queries: queries, reads: reads, principals: feed.table, revokedTokens: revoked,
            credentials: CredentialStore(pool: pool), securityLog: SecurityLog(pool: pool),
            passwords: PasswordService(limiter: passwordLimiter(environment)),
            today: today, monitoring: Monitoring(watcher: watcher, principalFeed: feed, requests: RequestMetrics()))
        let issuer = AccessTokenIssuer(keys: keys, issuer: Self.issuer, audience: Self.audience, principals: feed.table)
        let verifier = AccessTokenVerifier(keys: keys, issuer: Self.issuer, audience: Self.audience)
        var routes = try APIRoutes.table(
            context: context, keys: keys, httpsAuthority: tls == nil ? nil : "\(configuration.host):\(configuration.port)")
        let console = ConsoleSettings(secureCookie: tls != nil || environment["EMPLOYEES_SECURE_COOKIES"] == "1")
        try ConsoleRoutes.register(in: &routes, context: context, settings: console)
        let application = HTTPApplication<Route>(
            router: routes.build(),
            middleware: (trustedProxies.isEmpty ? [] : [ForwardedClientMiddleware(trustedProxies: trustedProxies)])
                + (tls == nil ? [] : [StrictTransportSecurityMiddleware()]) + [
                    SecurityHeadersMiddleware(), RequestIDMiddleware(), AccessLogMiddleware(logger: StandardErrorLogger()),
                    RequestMetricsMiddleware(metrics: context.monitoring.requests),
                    CompatibilityEnvelopeMiddleware(),
                    PageMiddleware(settings: console),
                    AuthenticationMiddleware(
                        verifier: verifier, verifiedTokens: VerifiedTokenCache(), principals: feed.table, revokedTokens: revoked,
                        securityLog: context.securityLog),
                ] + (reads.standbys == nil ? [] : [ConsistencyTokenMiddleware(positions: positions)]) + [
                    IdempotencyMiddleware(store: IdempotencyMiddleware.store(pool: pool))
                ],
            handler: APIRoutes.respond)
        var serverConfiguration = HTTPServer.Configuration(host: configuration.host, port: configuration.port)
        serverConfiguration.logger = StandardErrorLogger()
        serverConfiguration.tls = tls?.identity
        let server = HTTPServer(configuration: serverConfiguration, responder: application)
        let addresses = try server.start()
        try tls?.start(httpsPort: addresses[0].port)
        log("listening on \(addresses.map(\.description).joined(separator: ", "))")
        return EmployeeService(
            addresses: addresses, database: database, context: context, keys: keys, issuer: issuer, routes: routes.registered,
            pages: routes.pages, server: server, watcher: watcher, feed: feed, revocationFeed: revocationFeed,
            checkpointing: checkpointing, tls: tls, replicas: replicas)
    }

    /// Reads on the standbys named by `--read-database-url` and started by `--embedded-replicas`, if any.
    /// `EMPLOYEES_STANDBY_MAX_LAG_MS` (default 5000) takes a standby further behind out of rotation;
    /// `EMPLOYEES_CONSISTENCY_WAIT_MS` (default 200) bounds how long a read with a token waits for a standby.
    private static func readRouting(
        _ standbys: [PostgresConfiguration], primary: ReadRouting.Target, positions: WALInsertPosition,
        environment: [String: String], log: (String) -> Void
    ) -> ReadRouting {
        guard !standbys.isEmpty else { return ReadRouting(primary: primary) }
        func milliseconds(_ name: String, default value: Int) -> Duration {
            .milliseconds(environment[name].flatMap(Int.init).flatMap { $0 >= 0 ? $0 : nil } ?? value)
        }
        let set = StandbySet(
            standbys: standbys, primaryPosition: positions,
            options: StandbySet.Options(maximumLag: milliseconds("EMPLOYEES_STANDBY_MAX_LAG_MS", default: 5_000)))
        set.start()
        log("reads: \(standbys.count) standby(s): \(standbys.map(\.description).joined(separator: ", "))")
        return ReadRouting(
            primary: primary, standbys: set, consistencyWait: milliseconds("EMPLOYEES_CONSISTENCY_WAIT_MS", default: 200))
    }

    /// Stops accepting, lets in-flight requests finish, then closes the database side.
    public func shutdown() async {
        await server.shutdown()
        await tls?.stop()
        await context.securityLog.flush()
        feed.stop()
        revocationFeed.cancel()
        checkpointing.cancel()
        await checkpointing.value
        watcher.stop()
        await context.reads.standbys?.shutdown()
        await context.pool.shutdown()
        replicas.stop()
        database.close()
    }

    public func waitUntilStopped() async {
        await server.waitUntilStopped()
    }

    /// Password checks run at once: `EMPLOYEES_PASSWORD_CHECKS` (default: the cores), each waiting at most
    /// `EMPLOYEES_PASSWORD_MAX_WAIT_MS` (default 1000) for a core before it is refused with 503.
    static func passwordLimiter(_ environment: [String: String]) -> PasswordWorkLimiter {
        let concurrency =
            environment["EMPLOYEES_PASSWORD_CHECKS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
            ?? ProcessInfo.processInfo.activeProcessorCount
        let wait =
            environment["EMPLOYEES_PASSWORD_MAX_WAIT_MS"].flatMap(Int.init).flatMap { $0 >= 0 ? $0 : nil }
            .map { Duration.milliseconds($0) } ?? PasswordService.defaultMaximumWait
        return PasswordWorkLimiter(concurrency: concurrency, maximumWait: wait)
    }

    /// Ed25519 keys from (or generated into) `<data-dir>/keys`, or an HS256 shared secret from
    /// `EMPLOYEES_JWT_HS256_SECRET` (at least 32 bytes; shorter or blank refuses to start).
    static func loadKeys(_ configuration: ServiceConfiguration, environment: [String: String]) throws -> JWTKeySet {
        if let secret = environment["EMPLOYEES_JWT_HS256_SECRET"] {
            return JWTKeySet(signingKey: .hs256(try HS256Secret(configured: secret)))
        }
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let directory = URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("keys").path
        return try JWTKeySet.loadOrCreateEd25519(directory: directory)
    }
}
