internal import CLibCrypto

/// Cryptographically secure random bytes from libcrypto's `RAND_bytes` (seeded by the kernel).
public enum SecureRandom {
    /// `count` random bytes. Traps if the generator fails: continuing with predictable bytes would be worse.
    public static func bytes(count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        var bytes = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return bytes }
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        precondition(status == 1, "RAND_bytes failed: no secure randomness available")
        return bytes
    }
}
