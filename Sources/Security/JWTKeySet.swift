import Crypto
import JSONText

/// The keys of this authorization server, by `kid`: one active signer and any number of retired keys that still
/// verify tokens issued before a rotation. Rotation is a data change (a file moved), not a code change.
public struct JWTKeySet: Sendable {
    /// The key new tokens are signed with.
    public let signingKey: JWTSigningKey
    /// Every key that verifies: the active one first, then the retired ones.
    public let verificationKeys: [JWTVerificationKey]
    private let keysByID: [String: JWTVerificationKey]

    /// A key set signing with `signingKey` and also accepting tokens signed by `retiredKeys`.
    public init(signingKey: JWTSigningKey, retiredKeys: [JWTVerificationKey] = []) {
        self.signingKey = signingKey
        var keys = [signingKey.verificationKey]
        var byID = [signingKey.id: signingKey.verificationKey]
        for key in retiredKeys where byID[key.id] == nil {
            keys.append(key)
            byID[key.id] = key
        }
        verificationKeys = keys
        keysByID = byID
    }

    /// The verification key with this exact `kid`, if any. A dictionary lookup: the `kid` is never used as a path,
    /// query or pattern, so hostile values (`../`, SQL, huge strings) simply find nothing.
    public func verificationKey(id: String) -> JWTVerificationKey? {
        keysByID[id]
    }

    /// The JWKS document (RFC 7517 §5) with the public keys of every asymmetric key. HS256 secrets are never
    /// included, and no private member (`d`, `k`) ever is.
    public func jwksJSON() -> String {
        "{\"keys\":[" + verificationKeys.compactMap(\.publicJWK).joined(separator: ",") + "]}"
    }
}
