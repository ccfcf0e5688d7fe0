import Crypto
import JSONText

/// A key that checks signatures: an Ed25519 public key or an HS256 secret. Its `id` is its RFC 7638 thumbprint.
public struct JWTVerificationKey: Sendable {
    enum Material: Sendable {
        case ed25519(Ed25519PublicKey)
        case hmac(HS256Secret)
    }

    let material: Material
    /// The `kid`: the RFC 7638 thumbprint of the key's JWK.
    public let id: String

    /// The only algorithm this key verifies; a token header naming another one is refused.
    public var algorithm: JWTAlgorithm {
        switch material {
        case .ed25519: .edDSA
        case .hmac: .hs256
        }
    }

    /// An EdDSA verification key.
    public static func ed25519(_ publicKey: Ed25519PublicKey) -> JWTVerificationKey {
        JWTVerificationKey(material: .ed25519(publicKey))
    }

    /// An HS256 verification key.
    public static func hs256(_ secret: HS256Secret) -> JWTVerificationKey {
        JWTVerificationKey(material: .hmac(secret))
    }

    private init(material: Material) {
        self.material = material
        switch material {
        case .ed25519(let publicKey):
            id = JWKThumbprint.sha256(requiredMembers: [
                "crv": "Ed25519", "kty": "OKP", "x": Base64URL.encode(publicKey.rawRepresentation),
            ])
        case .hmac(let secret):
            // The thumbprint hashes the secret; anyone holding a token can already test guesses against its
            // signature, so this publishes nothing new while the secret has the required length.
            id = JWKThumbprint.sha256(requiredMembers: ["k": Base64URL.encode(secret.bytes), "kty": "oct"])
        }
    }

    /// Whether `signature` signs `signingInput` under this key (HMAC compared in constant time).
    public func isValidSignature(_ signature: [UInt8], for signingInput: some Collection<UInt8>) -> Bool {
        switch material {
        case .ed25519(let publicKey):
            publicKey.isValidSignature(signature, for: signingInput)
        case .hmac(let secret):
            HMAC.isValidSHA256(tag: signature, key: secret.bytes, message: signingInput)
        }
    }

    /// The public JWK members, or nil for a symmetric key, which must never be published.
    var publicJWK: String? {
        guard case .ed25519(let publicKey) = material else { return nil }
        var writer = JSONObjectWriter()
        writer.add("kty", string: "OKP")
        writer.add("crv", string: "Ed25519")
        writer.add("x", string: Base64URL.encode(publicKey.rawRepresentation))
        writer.add("kid", string: id)
        writer.add("alg", string: JWTAlgorithm.edDSA.rawValue)
        writer.add("use", string: "sig")
        return writer.json
    }
}
