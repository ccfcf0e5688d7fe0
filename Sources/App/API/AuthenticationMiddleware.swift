import Accounts
import Console
import Foundation
import HTTP
import Operations
import Records
import Security
import Synchronization

/// Turns a bearer token into a `Principal` and enforces the route's declared access before the handler runs.
///
/// RFC 6750 answers: no credentials → 401 with `WWW-Authenticate: Bearer realm="employees"`; a token that is
/// malformed, forged, expired or revoked → 401 `error="invalid_token"`; a valid token without the scopes → 403
/// `error="insufficient_scope"`. The token's scopes are intersected with the principal's current scopes from the
/// in-memory principal table, so a revocation bites without a database query per request.
struct AuthenticationMiddleware: HTTPMiddleware {
    typealias Route = Operations.Route

    let verifier: AccessTokenVerifier
    let verifiedTokens: VerifiedTokenCache
    let principals: PrincipalTable
    let revokedTokens: RevokedTokenIDs
    let securityLog: SecurityLog

    func handle(_ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>) async throws -> HTTPResponse {
        guard let route = context.route else { return try await next(request, context) }
        // A console page (and only a page: `PageMiddleware` marks it) may carry its token in the session cookie.
        let isPage = context[PageRequestKey.self] == true
        if case .public = route.access {
            guard isPage, let token = SessionCookie.token(in: request), let principal = try? principal(for: token) else {
                return try await next(request, context)
            }
            var context = context
            context[PrincipalKey.self] = principal
            return try await next(request, context)
        }

        guard let token = try Self.bearerToken(in: request) ?? (isPage ? SessionCookie.token(in: request) : nil) else {
            throw HTTPError(
                .unauthorized, detail: "Not authenticated",
                headers: ["WWW-Authenticate": "Bearer realm=\"\(ErrorMapping.realm)\""])
        }
        let principal = try principal(for: token)
        let target = request.pathParameters.int("emp_no").map(Int64.init)
        if case .ownRecordOnly = route.access, target != principal.empNo {
            securityLog.record(
                .denied(principal: principal.subject, route: route.operationID, reason: "not_own_record", request: request))
            throw ErrorMapping.insufficientScope(
                required: route.access.requiredScopes(callerEmpNo: principal.empNo, target: target) ?? .empty)
        }
        if let required = route.access.requiredScopes(callerEmpNo: principal.empNo, target: target),
            !principal.scopes.satisfies(required)
        {
            securityLog.record(
                .denied(principal: principal.subject, route: route.operationID, reason: "insufficient_scope", request: request))
            throw ErrorMapping.insufficientScope(required: required)
        }
        var context = context
        context[PrincipalKey.self] = principal
        return try await next(request, context)
    }

    /// The principal a token stands for now: verified (or found in the cache of verified tokens), not revoked, with
    /// its scopes cut down to the principal's current ones.
    func principal(for token: String) throws(HTTPError) -> Principal {
        let verified: VerifiedAccessToken
        if let cached = verifiedTokens.lookup(token) {
            verified = cached
        } else {
            do {
                verified = try verifier.verify(token)
            } catch {
                throw Self.invalidToken("The access token is invalid or expired")
            }
            verifiedTokens.store(token, verified)
        }
        guard !revokedTokens.contains(verified.tokenID),
            let scopes = principals.effectiveScopes(
                empNo: verified.empNo, tokenScopes: verified.scopes, issuedAt: verified.issuedAt)
        else {
            throw Self.invalidToken("The access token has been revoked")
        }
        return Principal(empNo: verified.empNo, scopes: scopes, tokenID: verified.tokenID, clientID: verified.clientID)
    }

    /// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive). Two Authorization headers,
    /// or another scheme, are a malformed request rather than "no credentials".
    static func bearerToken(in request: HTTPRequest) throws(HTTPError) -> String? {
        let values = request.headers.values("Authorization")
        guard let value = values.first else { return nil }
        guard values.count == 1 else {
            throw HTTPError(
                .badRequest, detail: "More than one Authorization header",
                headers: ["WWW-Authenticate": "Bearer realm=\"\(ErrorMapping.realm)\", error=\"invalid_request\""])
        }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw HTTPError(
                .unauthorized, detail: "Not authenticated",
                headers: ["WWW-Authenticate": "Bearer realm=\"\(ErrorMapping.realm)\""])
        }
        return String(parts[1].trimmingOptionalWhitespace)
    }

    static func invalidToken(_ description: String) -> HTTPError {
        HTTPError(
            .unauthorized, detail: "Could not validate credentials",
            headers: [
                "WWW-Authenticate":
                    "Bearer realm=\"\(ErrorMapping.realm)\", error=\"invalid_token\", error_description=\"\(description)\""
            ])
    }
}
