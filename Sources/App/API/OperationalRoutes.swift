import Foundation
import HTTP
import Operations
import Postgres
import Records
import Security

/// Liveness, readiness and the public keys: what load balancers, orchestrators and token verifiers call.
enum OperationalRoutes {
    static func register(in table: inout RouteTable, context: APIContext, keys: JWTKeySet) throws(RouterError) {
        try table.add(
            .GET, "/healthz",
            Route(operationID: "health", summary: "Liveness: the process answers", access: .public) { _ in
                HTTPResponse(
                    status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"],
                    body: Array("ok".utf8))
            })
        try table.add(
            .GET, "/readyz",
            Route(
                operationID: "readiness", summary: "Readiness: database reachable, migrations applied, projections caught up",
                access: .public
            ) { _ in
                try await readiness(context)
            })
        let jwks = Array(keys.jwksJSON().utf8)
        try table.add(
            .GET, "/.well-known/jwks.json",
            Route(operationID: "jwks", summary: "The public keys that verify access tokens", access: .public) { _ in
                HTTPResponse(
                    status: .ok, headers: ["Content-Type": "application/jwk-set+json", "Cache-Control": "public, max-age=300"],
                    body: jwks)
            })
    }

    struct Readiness: Encodable {
        let database: Bool
        let projectionsCaughtUp: Bool
        let logPosition: Int64?
        let projectionPosition: Int64?
        /// Each standby's state and lag, when the service reads from standbys. A standby out of rotation does not make
        /// the instance unready: its reads go to the primary.
        let standbys: [StandbyMetrics.View]?

        enum CodingKeys: String, CodingKey {
            case database, projectionsCaughtUp = "projections_caught_up", logPosition = "log_position"
            case projectionPosition = "projection_position", standbys
        }
    }

    static func readiness(_ context: APIContext) async throws -> HTTPResponse {
        let positions = try? await ProjectionPositions.read(from: context.pool)
        let ready = positions?.isCaughtUp ?? false
        let body = Readiness(
            database: positions != nil, projectionsCaughtUp: ready, logPosition: positions?.head,
            projectionPosition: positions?.projectionCheckpoint, standbys: StandbyMetrics.views(context.reads))
        var headers: HTTPHeaders = ["Cache-Control": "no-store"]
        if !ready { headers.set("Retry-After", String(ErrorMapping.retryAfterSeconds)) }
        return try JSONResponse.make(body, status: ready ? .ok : .serviceUnavailable, headers: headers)
    }
}
