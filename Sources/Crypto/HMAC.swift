internal import CLibCrypto

/// HMAC-SHA-256 (RFC 2104) from libcrypto: the HS256 JWT algorithm.
public enum HMAC {
    /// The HMAC-SHA-256 tag of `message` under `key`.
    public static func sha256(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: SHA256.digestCount)
        var length: UInt32 = 0
        let result = withNonNullBytes(key) { keyPointer, keyCount in
            withNonNullBytes(message) { messagePointer, messageCount in
                tag.withUnsafeMutableBufferPointer { output in
                    CLibCrypto.HMAC(
                        EVP_sha256(), keyPointer, Int32(clamping: keyCount),
                        messagePointer.assumingMemoryBound(to: UInt8.self), messageCount,
                        output.baseAddress, &length)
                }
            }
        }
        precondition(result != nil && Int(length) == SHA256.digestCount, "libcrypto HMAC failed")
        return tag
    }

    /// Whether `tag` is the HMAC-SHA-256 of `message` under `key`, compared in constant time.
    public static func isValidSHA256(
        tag: [UInt8], key: some Collection<UInt8>, message: some Collection<UInt8>
    ) -> Bool {
        constantTimeEquals(sha256(key: key, message: message), tag)
    }
}
