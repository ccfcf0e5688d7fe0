import Crypto
import Foundation
import JSONText

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
