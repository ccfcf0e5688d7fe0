import Crypto
import JSONText

/// A key that makes signatures: an Ed25519 private key or an HS256 secret.
public struct JWTSigningKey: Sendable {
    enum Material: Sendable {
        case ed25519(Ed25519PrivateKey)
        case hmac(HS256Secret)
    }

    let material: Material
    /// The matching verification key (same `id` and algorithm).
    public let verificationKey: JWTVerificationKey

    public var id: String { verificationKey.id }
    public var algorithm: JWTAlgorithm { verificationKey.algorithm }

    /// An EdDSA signing key.
    public static func ed25519(_ privateKey: Ed25519PrivateKey) -> JWTSigningKey {
        JWTSigningKey(material: .ed25519(privateKey), verificationKey: .ed25519(privateKey.publicKey))
    }

    /// An HS256 signing key.
    public static func hs256(_ secret: HS256Secret) -> JWTSigningKey {
        JWTSigningKey(material: .hmac(secret), verificationKey: .hs256(secret))
    }

    /// The JWS signature of `signingInput` (`BASE64URL(header) || '.' || BASE64URL(payload)`).
    public func sign(_ signingInput: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
        switch material {
        case .ed25519(let privateKey): try privateKey.signature(for: signingInput)
        case .hmac(let secret): HMAC.sha256(key: secret.bytes, message: signingInput)
        }
    }
}
