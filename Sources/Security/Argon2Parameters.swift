internal import CArgon2
internal import CXCrypt
import Crypto

/// Argon2id cost parameters. The defaults are OWASP's first recommendation for Argon2id (Password Storage Cheat
/// Sheet): 19 MiB of memory (m=19456 KiB), 2 passes (t=2), 1 lane (p=1), with a 16-byte salt and a 32-byte tag.
/// On this class of hardware one hash takes a few tens of milliseconds.
public struct Argon2Parameters: Sendable, Equatable {
    public var memoryKiB: UInt32
    public var iterations: UInt32
    public var parallelism: UInt32
    public var saltByteCount: Int
    public var hashByteCount: Int

    public init(memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32, saltByteCount: Int = 16, hashByteCount: Int = 32) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
        self.saltByteCount = saltByteCount
        self.hashByteCount = hashByteCount
    }

    /// m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte hash.
    public static let owasp = Argon2Parameters(memoryKiB: 19456, iterations: 2, parallelism: 1)
}
