internal import CLibCrypto

/// SHA-256 (FIPS 180-4) from libcrypto: token storage hashes, JWK thumbprints and the event store's hash chain.
///
/// One-shot: `SHA256.hash(bytes)`. Incremental: create a value, `update` it, then `finalize()` it once.
/// The value owns its libcrypto context and frees it when it goes away; it cannot be copied, so the context has
/// exactly one owner.
public struct SHA256: ~Copyable {
    /// The digest length in bytes.
    public static let digestCount = 32

    private let context: OpaquePointer

    /// Starts an empty hash.
    public init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            preconditionFailure("libcrypto could not create a SHA-256 context (out of memory)")
        }
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Feeds more bytes into the hash.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let status = withNonNullBytes(bytes) { pointer, count in EVP_DigestUpdate(context, pointer, count) }
        precondition(status == 1, "EVP_DigestUpdate failed")
    }

    /// Returns the digest of everything fed so far and ends the hash.
    public consuming func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Self.digestCount)
        var length: UInt32 = 0
        let status = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        precondition(status == 1 && Int(length) == Self.digestCount, "EVP_DigestFinal_ex failed")
        return digest
    }

    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
