import Crypto
import JSONText

/// RFC 7638 JWK thumbprints: the base64url SHA-256 of the required members of a JWK, as compact JSON with member
/// names in code point order. Used as `kid`, so a key's identifier is derived from the key and cannot collide.
public enum JWKThumbprint {
    /// The thumbprint of a JWK given its required members (e.g. `kty`, `n`, `e` for RSA; `crv`, `kty`, `x` for
    /// OKP). Values are JSON strings, as they are for every key type this service knows.
    public static func sha256(requiredMembers: [String: String]) -> String {
        var writer = JSONObjectWriter()
        for name in requiredMembers.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            writer.add(name, string: requiredMembers[name]!)
        }
        return Base64URL.encode(SHA256.hash(writer.json.utf8))
    }
}
