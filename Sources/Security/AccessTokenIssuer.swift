import Crypto
import Foundation
import JSONText

/// Issues RFC 9068 access tokens: header `{alg, typ: "at+jwt", kid}` and claims `iss`, `sub`, `aud`, `emp_no`,
/// `client_id`, `scope`, `iat`, `exp`, `jti`.
public struct AccessTokenIssuer: Sendable {
    public static let defaultLifetime: Duration = .seconds(30 * 60)

    private let keys: JWTKeySet
    private let issuer: String
    private let audience: String
    private let lifetimeSeconds: Int64
    private let principals: PrincipalTable?
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - principals: when given, a new token's `iat` is never earlier than the principal's tokens-not-before
    ///     time, so a token issued in the same second as a password change is not refused as stale.
    ///   - now: the clock; injected so tests control time.
    public init(
        keys: JWTKeySet, issuer: String, audience: String, lifetime: Duration = defaultLifetime,
        principals: PrincipalTable? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.lifetimeSeconds = max(1, lifetime.components.seconds)
        self.principals = principals
        self.now = now
    }

    /// A signed access token for `empNo`, requested by `clientID`, carrying `scopes`.
    public func issue(empNo: Int64, clientID: String, scopes: ScopeSet) throws(CryptoError) -> IssuedAccessToken {
        var issuedAt = Int64(now().timeIntervalSince1970.rounded(.down))
        if let notBefore = principals?.tokensNotBefore(empNo: empNo) {
            issuedAt = max(issuedAt, Int64(notBefore.timeIntervalSince1970))
        }
        let expiresAt = issuedAt + lifetimeSeconds
        let tokenID = Base64URL.encode(SecureRandom.bytes(count: 16))
        let signingKey = keys.signingKey

        var header = JSONObjectWriter()
        header.add("alg", string: signingKey.algorithm.rawValue)
        header.add("typ", string: "at+jwt")
        header.add("kid", string: signingKey.id)

        var claims = JSONObjectWriter()
        claims.add("iss", string: issuer)
        claims.add("sub", string: "employee:\(empNo)")
        claims.add("aud", string: audience)
        claims.add("emp_no", integer: empNo)
        claims.add("client_id", string: clientID)
        claims.add("scope", string: scopes.spaceDelimited)
        claims.add("iat", integer: issuedAt)
        claims.add("exp", integer: expiresAt)
        claims.add("jti", string: tokenID)

        let signingInput = Base64URL.encode(header.json.utf8) + "." + Base64URL.encode(claims.json.utf8)
        let signature = try signingKey.sign(signingInput.utf8)
        return IssuedAccessToken(
            token: signingInput + "." + Base64URL.encode(signature), tokenID: tokenID,
            issuedAt: Date(timeIntervalSince1970: TimeInterval(issuedAt)),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(expiresAt)), scopes: scopes)
    }
}
