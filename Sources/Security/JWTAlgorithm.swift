import Crypto
import JSONText

/// The JWS algorithms this service signs and verifies with. Anything else in a token header is refused.
public enum JWTAlgorithm: String, Sendable {
    /// Ed25519 (RFC 8037): the default; only the public half is ever shared.
    case edDSA = "EdDSA"
    /// HMAC-SHA-256 with a shared secret, for deployments that configure one.
    case hs256 = "HS256"
}
