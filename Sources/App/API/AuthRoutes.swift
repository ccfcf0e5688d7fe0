import Accounts
import HTTP
import Operations
import Records
import Security

/// The token endpoint (RFC 6749: password and refresh-token grants), also under the original system's login path,
/// and token revocation (RFC 7009). All public: the caller is not authenticated yet, or is giving a token up.
enum AuthRoutes {
    static func register(in table: inout RouteTable, context: APIContext, keys: JWTKeySet) throws(RouterError) {
        let server = AuthorizationServer(
            credentials: context.credentials, refreshTokens: RefreshTokenStore(pool: context.pool), passwords: context.passwords,
            issuer: AccessTokenIssuer(
                keys: keys, issuer: EmployeeService.issuer, audience: EmployeeService.audience, principals: context.principals),
            verifier: AccessTokenVerifier(keys: keys, issuer: EmployeeService.issuer, audience: EmployeeService.audience),
            throttle: SharedLoginThrottle(pool: context.pool), securityLog: context.securityLog,
            revokedTokens: context.revokedTokens)
        try table.add(
            .POST, "/auth/token",
            Route(operationID: "issueToken", summary: "OAuth2 token endpoint: password and refresh_token grants", access: .public)
            {
                request in try await token(request, server)
            })
        try table.add(
            .POST, "/api/login",
            Route(operationID: "login", summary: "The original system's login path (same as /auth/token)", access: .public) {
                request in try await token(request, server)
            })
        try table.add(
            .POST, "/auth/revoke",
            Route(operationID: "revokeToken", summary: "Revoke an access or refresh token (RFC 7009)", access: .public) {
                request in try await revoke(request, server)
            })
    }

    /// Response headers of every token response, success or error (RFC 6749 §5.1).
    static let noStore: HTTPHeaders = ["Cache-Control": "no-store", "Pragma": "no-cache"]

    /// RFC 6749 §5.1, plus the lifetime in seconds.
    struct TokenResponse: Encodable {
        let accessToken: String
        let tokenType = "bearer"
        let expiresIn: Int
        let scope: String
        let refreshToken: String

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in", scope
            case refreshToken = "refresh_token"
        }
    }

    static func token(_ request: APIRequest, _ server: AuthorizationServer) async throws -> HTTPResponse {
        let form = try OAuthForm(request.http)
        let origin = TokenRequestOrigin(address: request.http.remoteAddress, requestID: request.http.requestID)
        let requested = try form.scopes()
        let clientID = try form.clientID()
        let grant: TokenGrant
        switch form["grant_type"] {
        case nil, "password":
            // The original system's clients send no grant_type: a password grant is what they mean.
            guard let username = form["username"] else { throw OAuthError(.invalidRequest, "username is required") }
            guard let password = form["password"] else { throw OAuthError(.invalidRequest, "password is required") }
            grant = try await server.passwordGrant(
                username: username, password: password, requested: requested,
                clientID: clientID ?? AuthorizationServer.defaultClientID, origin: origin)
        case "refresh_token":
            guard let presented = form["refresh_token"] else { throw OAuthError(.invalidRequest, "refresh_token is required") }
            grant = try await server.refreshGrant(presented: presented, requested: requested, clientID: clientID, origin: origin)
        default:
            throw OAuthError(.unsupportedGrantType, "grant_type must be password or refresh_token")
        }
        let response = TokenResponse(
            accessToken: grant.access.token, expiresIn: Int(grant.access.expiresAt.timeIntervalSince(grant.access.issuedAt)),
            scope: grant.access.scopes.spaceDelimited, refreshToken: grant.refreshToken)
        return try JSONResponse.make(response, headers: noStore)
    }

    static func revoke(_ request: APIRequest, _ server: AuthorizationServer) async throws -> HTTPResponse {
        let form = try OAuthForm(request.http)
        guard let token = form["token"] else { throw OAuthError(.invalidRequest, "token is required") }
        try await server.revoke(
            token, origin: TokenRequestOrigin(address: request.http.remoteAddress, requestID: request.http.requestID))
        return HTTPResponse(status: .ok, headers: noStore, body: [])
    }
}
