import Crypto
import JSONText

/// The JWS algorithms this service signs and verifies with. Anything else in a token header is refused.
public enum JWTAlgorithm: String, Sendable {
    /// Ed25519 (RFC 8037): the default; only the public half is ever shared.
    case edDSA = "EdDSA"
    /// HMAC-SHA-256 with a shared secret, for deployments that configure one.
    case hs256 = "HS256"
}

/// Why a key could not be built, loaded or stored. Messages carry paths and reasons, never key material.
public enum KeyError: Error, Equatable, Sendable {
    /// The configured HS256 secret is empty or whitespace only.
    case blankSecret
    /// The configured HS256 secret is shorter than `minimumBytes` (RFC 7518 §3.2: at least the hash size).
    case secretTooShort(minimumBytes: Int)
    /// A key file is readable or writable by group or others; refuse it as an ssh client would.
    case insecurePermissions(path: String)
    /// A key file could not be read, written or parsed.
    case unusableKeyFile(path: String, reason: String)
}

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

/// A shared HMAC secret for HS256, at least 32 bytes. Its description is redacted so it cannot leak into a log.
public struct HS256Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// RFC 7518 §3.2: a key of the same size as the hash output or larger.
    public static let minimumByteCount = 32

    let bytes: [UInt8]

    /// A secret from raw bytes.
    public init(bytes: [UInt8]) throws(KeyError) {
        guard !bytes.isEmpty else { throw .blankSecret }
        guard bytes.count >= Self.minimumByteCount else { throw .secretTooShort(minimumBytes: Self.minimumByteCount) }
        self.bytes = bytes
    }

    /// A secret from configuration text (its UTF-8 bytes, used exactly as given). Blank text is refused.
    public init(configured text: String) throws(KeyError) {
        guard text.contains(where: { !$0.isWhitespace }) else { throw .blankSecret }
        try self.init(bytes: Array(text.utf8))
    }

    public var description: String { "HS256Secret(redacted)" }
    public var debugDescription: String { description }
}

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
