internal import CLibCrypto

/// Compares two byte strings in time that depends only on their lengths (libcrypto's `CRYPTO_memcmp`), so a
/// mismatch position never leaks through timing. Lengths are not secret: different lengths return false at once.
public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    guard !lhs.isEmpty else { return true }
    return lhs.withUnsafeBytes { left in
        rhs.withUnsafeBytes { right in
            CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
        }
    }
}

/// Overwrites `buffer` with zeros in a way the optimizer may not remove (`OPENSSL_cleanse`), for wiping secrets.
public func secureZero(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    OPENSSL_cleanse(base, buffer.count)
}
