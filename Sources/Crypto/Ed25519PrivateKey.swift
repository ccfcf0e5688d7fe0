internal import CLibCrypto

/// An Ed25519 signing key (RFC 8032) held by libcrypto: the default JWT signer (`EdDSA`, RFC 8037).
///
/// Sendable: the only stored state is an `EVP_PKEY` created in `init` and never modified afterwards, plus the
/// immutable public key. OpenSSL 3 documents `EVP_PKEY` as safe for concurrent read-only use; every signature
/// gets its own `EVP_MD_CTX`, so no libcrypto object is mutated from two threads. The key is freed in `deinit`,
/// and this object is its only owner.
public final class Ed25519PrivateKey: @unchecked Sendable {
    /// Seed length in bytes: an Ed25519 private key is a 32-byte seed.
    public static let seedCount = 32

    private let key: OpaquePointer
    /// The matching public key.
    public let publicKey: Ed25519PublicKey

    /// A fresh random key (32 bytes from `RAND_bytes`).
    public convenience init() {
        var seed = SecureRandom.bytes(count: Self.seedCount)
        defer { seed.withUnsafeMutableBytes { secureZero($0) } }
        do {
            try self.init(seed: seed)
        } catch {
            preconditionFailure("libcrypto refused a freshly generated Ed25519 seed")
        }
    }

    /// The key with the given 32-byte seed (RFC 8032 §5.1.5), e.g. RFC 8037's `d`.
    public convenience init(seed: [UInt8]) throws(CryptoError) {
        guard seed.count == Self.seedCount else { throw .invalidKey }
        let created = seed.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let created else {
            ERR_clear_error()
            throw .invalidKey
        }
        try self.init(owning: created)
    }

    /// Reads an unencrypted PKCS#8 PEM document (`-----BEGIN PRIVATE KEY-----`) holding an Ed25519 key.
    public convenience init(pemRepresentation pem: String) throws(CryptoError) {
        let bytes = Array(pem.utf8)
        guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else { throw .invalidPEM }
        let parsed: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            // A callback that supplies no passphrase: an encrypted key fails instead of prompting on a terminal.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        guard let parsed else {
            ERR_clear_error()
            throw .invalidPEM
        }
        guard EVP_PKEY_get_id(parsed) == EVP_PKEY_ED25519 else {
            EVP_PKEY_free(parsed)
            throw .invalidPEM
        }
        try self.init(owning: parsed)
    }

    private init(owning key: OpaquePointer) throws(CryptoError) {
        var raw = [UInt8](repeating: 0, count: Ed25519PublicKey.rawCount)
        var length = raw.count
        let status = raw.withUnsafeMutableBufferPointer { EVP_PKEY_get_raw_public_key(key, $0.baseAddress, &length) }
        let publicKey = status == 1 && length == raw.count ? try? Ed25519PublicKey(rawRepresentation: raw) : nil
        guard let publicKey else {
            EVP_PKEY_free(key)
            ERR_clear_error()
            throw .invalidKey
        }
        self.key = key
        self.publicKey = publicKey
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// The key as an unencrypted PKCS#8 PEM document, for a key file readable only by the service (mode 0600).
    public func pemRepresentation() throws(CryptoError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .libraryFailure(operation: "BIO_new") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PKCS8PrivateKey(bio, key, nil, nil, 0, nil, nil) == 1 else {
            ERR_clear_error()
            throw .libraryFailure(operation: "PEM_write_bio_PKCS8PrivateKey")
        }
        let pending = Int(BIO_ctrl_pending(bio))
        var buffer = [UInt8](repeating: 0, count: pending)
        defer { buffer.withUnsafeMutableBytes { secureZero($0) } }
        let read = buffer.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(pending)) }
        guard read == pending else { throw .libraryFailure(operation: "BIO_read") }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The 64-byte Ed25519 signature of `message` (deterministic: the same message always signs the same way).
    public func signature(for message: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw .libraryFailure(operation: "EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1 else {
            ERR_clear_error()
            throw .libraryFailure(operation: "EVP_DigestSignInit")
        }
        var signature = [UInt8](repeating: 0, count: Ed25519PublicKey.signatureCount)
        var length = signature.count
        let status = withNonNullBytes(message) { pointer, count in
            signature.withUnsafeMutableBufferPointer { output in
                EVP_DigestSign(
                    context, output.baseAddress, &length, pointer.assumingMemoryBound(to: UInt8.self), count)
            }
        }
        guard status == 1, length == Ed25519PublicKey.signatureCount else {
            ERR_clear_error()
            throw .libraryFailure(operation: "EVP_DigestSign")
        }
        return signature
    }
}
