import Employees
import EventStore
import Foundation
import HTTP
import Postgres
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
    private let server: HTTPServer
    private let watcher: LogWatcher
    private let feed: PrincipalFeed
    /// Reads other instances' revoked access tokens (see `RevokedTokenIDs`).
    private let revocationFeed: Task<Void, Never>
    /// HTTPS, when configured.
    let tls: ServiceTLS?

    private init(
        addresses: [HTTPServer.Address], database: DatabaseRuntime, context: APIContext, keys: JWTKeySet,
        issuer: AccessTokenIssuer, routes: [RegisteredRoute], server: HTTPServer, watcher: LogWatcher, feed: PrincipalFeed,
        revocationFeed: Task<Void, Never>, tls: ServiceTLS?
    ) {
        self.addresses = addresses
        self.database = database
        self.context = context
        self.keys = keys
        self.issuerService = issuer
        self.routes = routes
        self.server = server
        self.watcher = watcher
        self.feed = feed
        self.revocationFeed = revocationFeed
        self.tls = tls
    }

    /// Opens (or starts) the database, migrates, loads keys and principals, and starts serving.
    public static func start(
        _ configuration: ServiceConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        log: @escaping @Sendable (String) -> Void = StandardError.write
    ) async throws -> EmployeeService {
        let tls = try ServiceTLS.prepare(configuration, log: log)
        let keys = try loadKeys(configuration, environment: environment)
        let database = try DatabaseRuntime.open(configuration, log: log)
        let poolSize = environment["EMPLOYEES_POOL_SIZE"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 16
        let pool = PostgresPool(configuration: database.application, maximumConnections: poolSize, acquireTimeout: .seconds(5))
        let batchSize = environment["EMPLOYEES_APPEND_BATCH_SIZE"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 512
        let appender = BatchingAppender(pool: pool, projections: [EmployeeProjection()], maximumBatchSize: batchSize)
        let watcher = LogWatcher(configuration: database.application)
        let feed = try await PrincipalFeed.start(pool: pool, watcher: watcher)
        let revoked = RevokedTokenIDs()
        try await revoked.refresh(from: pool)
        let revocationFeed = revoked.follow(pool)
        let today: @Sendable () -> CalendarDate = utcToday
        let context = APIContext(
            pool: pool, appender: appender, commands: EmployeeCommandService(pool: pool, appender: appender, today: today),
            queries: EmployeeQueries(pool: pool), principals: feed.table, revokedTokens: revoked,
            securityLog: SecurityLog(pool: pool), passwords: PasswordService(hasher: PasswordHasher(), policy: PasswordPolicy()),
            today: today, monitoring: Monitoring(watcher: watcher, principalFeed: feed, requests: RequestMetrics()))
        let issuer = AccessTokenIssuer(keys: keys, issuer: Self.issuer, audience: Self.audience, principals: feed.table)
        let verifier = AccessTokenVerifier(keys: keys, issuer: Self.issuer, audience: Self.audience)
        let routes = try APIRoutes.table(
            context: context, keys: keys, httpsAuthority: tls == nil ? nil : "\(configuration.host):\(configuration.port)")
        let application = HTTPApplication<Route>(
            router: routes.build(),
            middleware: (tls == nil ? [] : [StrictTransportSecurityMiddleware()]) + [
                SecurityHeadersMiddleware(), RequestIDMiddleware(), AccessLogMiddleware(logger: StandardErrorLogger()),
                RequestMetricsMiddleware(metrics: context.monitoring.requests),
                CompatibilityEnvelopeMiddleware(),
                AuthenticationMiddleware(verifier: verifier, verifiedTokens: VerifiedTokenCache(), principals: feed.table, revokedTokens: revoked, securityLog: context.securityLog),
                IdempotencyMiddleware(store: IdempotencyStore(pool: pool)),
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
            server: server, watcher: watcher, feed: feed, revocationFeed: revocationFeed, tls: tls)
    }

    /// Stops accepting, lets in-flight requests finish, then closes the database side.
    public func shutdown() async {
        await server.shutdown()
        await tls?.stop()
        await context.securityLog.flush()
        feed.stop()
        revocationFeed.cancel()
        watcher.stop()
        await context.pool.shutdown()
        database.close()
    }

    public func waitUntilStopped() async {
        await server.waitUntilStopped()
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

/// Every route of the service, registered once. A route cannot be registered without its access declaration.
enum APIRoutes {
    /// Runs the matched route's handler and maps whatever it throws, in one place.
    @Sendable static func respond(route: Route, request: HTTPRequest, context: HTTPRequestContext<Route>) async throws -> HTTPResponse {
        do {
            return try await route.handler(APIRequest(http: request, principal: context[PrincipalKey.self]))
        } catch {
            throw ErrorMapping.httpError(for: error)
        }
    }

    /// `httpsAuthority` (host:port) when the service serves HTTPS itself: the OpenAPI document then names an https server.
    static func table(context: APIContext, keys: JWTKeySet, httpsAuthority: String? = nil) throws -> RouteTable {
        var table = RouteTable()
        try OperationalRoutes.register(in: &table, context: context, keys: keys)
        try EmployeeRoutes.register(in: &table, context: context)
        try CompatibilityRoutes.register(in: &table, context: context)
        try AccountRoutes.register(in: &table, context: context)
        try AuthRoutes.register(in: &table, context: context, keys: keys)
        try AuditRoutes.register(in: &table, context: context)
        try MetricsRoutes.register(in: &table, context: context)
        try OpenAPIRoutes.register(in: &table, httpsAuthority: httpsAuthority)  // last: it documents every route registered before it, and itself
        return table
    }
}
