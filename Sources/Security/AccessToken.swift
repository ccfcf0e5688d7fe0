import Crypto
import Foundation
import JSONText

/// Why an access token was refused. Every malformed, forged or stale input maps to one of these; the verifier never
/// traps. Cases name the failed rule (and the claim or header parameter) but never echo token content.
public enum TokenError: Error, Equatable, Sendable {
    /// Longer than the verifier's size limit (8 KiB by default).
    case tooLarge
    /// Not exactly three non-empty dot-separated parts.
    case malformed
    /// A part is not canonical unpadded base64url.
    case invalidEncoding
    /// The header is not a strict JSON object (syntax, duplicate names, nesting too deep) or `alg`/`kid` has the
    /// wrong type or is missing.
    case invalidHeader
    /// `alg` is `none` in any spelling: unsigned tokens are never accepted.
    case algorithmNone
    /// A header parameter that would let the token choose its own key (`jku`, `x5u`, `jwk`, `x5c`).
    case forbiddenHeaderParameter(String)
    /// A `crit` header: this verifier understands no extensions, so it must refuse (RFC 7515 §4.1.11).
    case unsupportedCriticalHeader
    /// No `kid` header.
    case missingKeyID
    /// No key with that `kid`.
    case unknownKey
    /// The header's `alg` differs from the algorithm of the key found by `kid`.
    case algorithmMismatch
    /// The signature does not verify.
    case invalidSignature
    /// `typ` is not `at+jwt` (RFC 9068 §4).
    case wrongType
    /// The payload is not a strict JSON object.
    case invalidClaims
    case wrongIssuer
    case wrongAudience
    /// `exp` has passed (beyond the leeway).
    case expired
    /// `nbf` is still in the future (beyond the leeway).
    case notYetValid
    /// `iat` is in the future (beyond the leeway).
    case issuedInFuture
    /// A required claim is absent.
    case missingClaim(String)
    /// A claim has the wrong type or an unacceptable value.
    case invalidClaim(String)
}

/// A freshly issued access token and the facts the token endpoint reports about it.
public struct IssuedAccessToken: Sendable {
    /// The compact JWS to hand to the client.
    public let token: String
    /// The `jti` claim.
    public let tokenID: String
    public let issuedAt: Date
    public let expiresAt: Date
    public let scopes: ScopeSet
}

/// A token that passed every check: who it speaks for and what it claims. Authorization must still consult the
/// `PrincipalTable` for current scopes and revocations.
public struct VerifiedAccessToken: Sendable, Equatable {
    public let empNo: Int64
    /// `employee:<emp_no>`.
    public let subject: String
    public let clientID: String
    public let scopes: ScopeSet
    public let issuedAt: Date
    public let expiresAt: Date
    public let tokenID: String
    /// The `kid` of the key that verified the signature.
    public let keyID: String
}

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

/// Verifies access tokens in an order that defeats the classic JWT attacks (RFC 8725):
/// 1. size limit; 2. exactly three canonical unpadded base64url parts; 3. strict header JSON (no duplicates,
/// bounded depth); 4. refuse `alg: none`, key-bearing headers (`jku`, `x5u`, `jwk`, `x5c`) and any `crit`;
/// 5. the key found by `kid` decides the algorithm, the header's `alg` must merely agree; 6. verify the signature
/// (HMAC compared in constant time); 7. only then check `typ` and parse the claims strictly; 8. `iss`, `aud`,
/// `exp`/`nbf`/`iat` with leeway, then the required claims and their types.
public struct AccessTokenVerifier: Sendable {
    public static let defaultMaximumTokenSize = 8 * 1024
    public static let defaultLeeway: Duration = .seconds(60)
    /// Deepest JSON nesting accepted in a header or claims set; ours never nest.
    static let maximumJSONDepth = 16
    private static let keyBearingHeaders = ["jku", "x5u", "jwk", "x5c"]

    private let keys: JWTKeySet
    private let issuer: String
    private let audience: String
    private let leewaySeconds: Double
    private let maximumTokenSize: Int
    private let now: @Sendable () -> Date

    public init(
        keys: JWTKeySet, issuer: String, audience: String, leeway: Duration = defaultLeeway,
        maximumTokenSize: Int = defaultMaximumTokenSize, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leewaySeconds = Double(leeway.components.seconds)
        self.maximumTokenSize = maximumTokenSize
        self.now = now
    }

    /// The token's verified content, or the first rule it broke.
    public func verify(_ token: String) throws(TokenError) -> VerifiedAccessToken {
        let utf8 = token.utf8
        guard utf8.count <= maximumTokenSize else { throw .tooLarge }
        let bytes = Array(utf8)

        var dots: [Int] = []
        for index in bytes.indices where bytes[index] == UInt8(ascii: ".") {
            guard dots.count < 2 else { throw .malformed }
            dots.append(index)
        }
        guard dots.count == 2, dots[0] > 0, dots[1] > dots[0] + 1, dots[1] < bytes.count - 1 else {
            throw .malformed
        }
        guard let headerBytes = Base64URL.decode(utf8: bytes[..<dots[0]]),
            let payloadBytes = Base64URL.decode(utf8: bytes[(dots[0] + 1)..<dots[1]]),
            let signature = Base64URL.decode(utf8: bytes[(dots[1] + 1)...])
        else { throw .invalidEncoding }

        guard case .object(let header)? = try? StrictJSONParser.parse(headerBytes, maximumDepth: Self.maximumJSONDepth)
        else { throw .invalidHeader }
        guard case .string(let algorithm)? = header["alg"] else { throw .invalidHeader }
        guard algorithm.lowercased() != "none" else { throw .algorithmNone }
        for name in Self.keyBearingHeaders where header[name] != nil { throw .forbiddenHeaderParameter(name) }
        guard header["crit"] == nil else { throw .unsupportedCriticalHeader }
        guard let keyIDValue = header["kid"] else { throw .missingKeyID }
        guard case .string(let keyID) = keyIDValue else { throw .invalidHeader }
        guard let key = keys.verificationKey(id: keyID) else { throw .unknownKey }
        guard algorithm == key.algorithm.rawValue else { throw .algorithmMismatch }
        guard key.isValidSignature(signature, for: bytes[..<dots[1]]) else { throw .invalidSignature }

        guard case .string(let type)? = header["typ"],
            ["at+jwt", "application/at+jwt"].contains(type.lowercased())
        else { throw .wrongType }
        guard case .object(let claims)? = try? StrictJSONParser.parse(payloadBytes, maximumDepth: Self.maximumJSONDepth)
        else { throw .invalidClaims }
        return try checkClaims(claims, keyID: keyID)
    }

    private func checkClaims(_ claims: [String: StrictJSONValue], keyID: String) throws(TokenError) -> VerifiedAccessToken {
        guard let issuerValue = claims["iss"] else { throw .missingClaim("iss") }
        guard case .string(let tokenIssuer) = issuerValue else { throw .invalidClaim("iss") }
        guard tokenIssuer == issuer else { throw .wrongIssuer }

        switch claims["aud"] {
        case nil: throw .missingClaim("aud")
        case .string(let single)?:
            guard single == audience else { throw .wrongAudience }
        case .array(let many)?:
            var found = false
            for element in many {
                guard case .string(let value) = element else { throw .invalidClaim("aud") }
                if value == audience { found = true }
            }
            guard found else { throw .wrongAudience }
        default: throw .invalidClaim("aud")
        }

        let current = now().timeIntervalSince1970
        let expiresAt = try requiredNumericDate(claims, "exp")
        guard current <= expiresAt + leewaySeconds else { throw .expired }
        if claims["nbf"] != nil {
            let notBefore = try requiredNumericDate(claims, "nbf")
            guard notBefore <= current + leewaySeconds else { throw .notYetValid }
        }
        let issuedAt = try requiredNumericDate(claims, "iat")
        guard issuedAt <= current + leewaySeconds else { throw .issuedInFuture }

        let subject = try string(claims, "sub")
        guard let empNoValue = claims["emp_no"] else { throw .missingClaim("emp_no") }
        guard case .integer(let empNo) = empNoValue, empNo > 0 else { throw .invalidClaim("emp_no") }
        guard subject == "employee:\(empNo)" else { throw .invalidClaim("sub") }
        let clientID = try string(claims, "client_id")
        guard let scopes = ScopeSet(spaceDelimited: try string(claims, "scope")) else {
            throw .invalidClaim("scope")
        }
        let tokenID = try string(claims, "jti")
        guard !tokenID.isEmpty else { throw .invalidClaim("jti") }

        return VerifiedAccessToken(
            empNo: empNo, subject: subject, clientID: clientID, scopes: scopes,
            issuedAt: Date(timeIntervalSince1970: issuedAt), expiresAt: Date(timeIntervalSince1970: expiresAt),
            tokenID: tokenID, keyID: keyID)
    }

    private func requiredNumericDate(_ claims: [String: StrictJSONValue], _ name: String) throws(TokenError) -> Double {
        guard let value = claims[name] else { throw .missingClaim(name) }
        guard let seconds = value.numericValue else { throw .invalidClaim(name) }
        return seconds
    }

    private func string(_ claims: [String: StrictJSONValue], _ name: String) throws(TokenError) -> String {
        guard let value = claims[name] else { throw .missingClaim(name) }
        guard case .string(let text) = value else { throw .invalidClaim(name) }
        return text
    }
}
