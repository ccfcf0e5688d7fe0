internal import CLibCrypto

/// An Ed25519 public key held by libcrypto, used to verify `EdDSA` JWT signatures and published in the JWKS.
///
/// Sendable for the same reason as `Ed25519PrivateKey`: the `EVP_PKEY` is immutable after `init`, each
/// verification uses its own `EVP_MD_CTX`, and this object alone frees the key in `deinit`.
public final class Ed25519PublicKey: @unchecked Sendable, Equatable {
    /// Raw public key length in bytes.
    public static let rawCount = 32
    /// Signature length in bytes.
    public static let signatureCount = 64

    private let key: OpaquePointer
    /// The 32 raw bytes (RFC 8032 encoding), the `x` member of an OKP JWK.
    public let rawRepresentation: [UInt8]

    /// The public key with the given 32 raw bytes.
    public init(rawRepresentation: [UInt8]) throws(CryptoError) {
        guard rawRepresentation.count == Self.rawCount else { throw .invalidKey }
        let created = rawRepresentation.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let created else {
            ERR_clear_error()
            throw .invalidKey
        }
        self.key = created
        self.rawRepresentation = rawRepresentation
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// Whether `signature` is a valid Ed25519 signature of `message` under this key. Never throws: any failure,
    /// including a malformed signature, is simply "not valid".
    public func isValidSignature(_ signature: [UInt8], for message: some Collection<UInt8>) -> Bool {
        guard signature.count == Self.signatureCount, let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1 else {
            ERR_clear_error()
            return false
        }
        let status = withNonNullBytes(message) { pointer, count in
            signature.withUnsafeBufferPointer { signatureBuffer in
                EVP_DigestVerify(
                    context, signatureBuffer.baseAddress, signatureBuffer.count,
                    pointer.assumingMemoryBound(to: UInt8.self), count)
            }
        }
        if status != 1 { ERR_clear_error() }
        return status == 1
    }

    public static func == (lhs: Ed25519PublicKey, rhs: Ed25519PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }
}
