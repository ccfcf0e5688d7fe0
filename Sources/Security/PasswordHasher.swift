internal import CArgon2
internal import CXCrypt
import Crypto

/// Hashes new passwords with Argon2id (libargon2) as PHC strings and verifies the formats found in the original
/// system's rows: Argon2id/Argon2i PHC strings (libargon2), bcrypt `$2a$`/`$2b$`/`$2y$` and yescrypt `$y$`
/// (libxcrypt `crypt_rn`). Every comparison is constant time.
///
/// All methods are synchronous and CPU-heavy (tens of milliseconds, 19 MiB each): callers must run them off
/// Swift's cooperative thread pool (e.g. on a dedicated thread or dispatch queue), or a handful of logins would
/// stall every other task on this two-core machine.
public struct PasswordHasher: Sendable {
    public let parameters: Argon2Parameters

    /// Stored hashes asking for more than this are refused rather than computed: a corrupted or planted row must
    /// not make one login allocate gigabytes or run for minutes.
    private static let maximumArgon2MemoryKiB: UInt32 = 256 * 1024
    private static let maximumArgon2Iterations: UInt32 = 16
    private static let maximumArgon2Parallelism: UInt32 = 16
    private static let maximumBcryptCost = 16
    /// Longer inputs are refused before hashing; the policy caps new passwords at 256 characters anyway.
    private static let maximumPasswordBytes = 4096

    public init(parameters: Argon2Parameters = .owasp) {
        self.parameters = parameters
    }

    /// A new Argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) for `password`, with a fresh random salt.
    public func hash(_ password: String) throws(PasswordHashError) -> String {
        try hashArgon2id(Array(password.utf8), salt: SecureRandom.bytes(count: parameters.saltByteCount))
    }

    /// Whether `password` matches `storedHash`. Unknown formats, weak legacy schemes (DES, MD5, SHA-crypt),
    /// hashes with out-of-bounds costs and any library failure all answer false.
    public func verify(_ password: String, against storedHash: String) -> Bool {
        let passwordBytes = Array(password.utf8)
        guard passwordBytes.count <= Self.maximumPasswordBytes else { return false }
        if storedHash.hasPrefix("$argon2id$") || storedHash.hasPrefix("$argon2i$") {
            return verifyArgon2(passwordBytes, storedHash: storedHash)
        }
        if storedHash.hasPrefix("$2a$") || storedHash.hasPrefix("$2b$") || storedHash.hasPrefix("$2y$") {
            let costDigits = storedHash.utf8.dropFirst(4).prefix(2)
            guard let cost = Int(String(decoding: costDigits, as: UTF8.self)), cost <= Self.maximumBcryptCost else {
                return false
            }
            return verifyWithCrypt(passwordBytes, storedHash: storedHash)
        }
        if storedHash.hasPrefix("$y$") {
            return verifyWithCrypt(passwordBytes, storedHash: storedHash)
        }
        return false
    }

    /// Whether `storedHash` should be replaced after the next successful login: true for anything that is not
    /// Argon2id (v=19) at exactly the current parameters, salt and hash lengths.
    public func needsRehash(_ storedHash: String) -> Bool {
        guard let phc = Argon2PHC(storedHash), phc.variant == "argon2id", phc.version == 19 else { return true }
        return phc.memoryKiB != parameters.memoryKiB || phc.iterations != parameters.iterations
            || phc.parallelism != parameters.parallelism || phc.saltByteCount < parameters.saltByteCount
            || phc.hashByteCount != parameters.hashByteCount
    }

    /// Spends the same time as verifying a current Argon2id hash, for a login whose user does not exist, so that
    /// response time does not reveal which usernames exist.
    public func dummyVerify(_ password: String) {
        let bytes = Array(password.utf8.prefix(Self.maximumPasswordBytes))
        _ = try? hashArgon2id(bytes, salt: SecureRandom.bytes(count: parameters.saltByteCount))
    }

    private func hashArgon2id(_ password: [UInt8], salt: [UInt8]) throws(PasswordHashError) -> String {
        let length = argon2_encodedlen(
            parameters.iterations, parameters.memoryKiB, parameters.parallelism, UInt32(salt.count),
            UInt32(parameters.hashByteCount), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let status = password.withUnsafeBytes { passwordBuffer in
            salt.withUnsafeBytes { saltBuffer in
                argon2id_hash_encoded(
                    parameters.iterations, parameters.memoryKiB, parameters.parallelism,
                    passwordBuffer.baseAddress, passwordBuffer.count, saltBuffer.baseAddress, saltBuffer.count,
                    parameters.hashByteCount, &encoded, length)
            }
        }
        guard status == ARGON2_OK.rawValue else { throw .argon2Failure(code: status) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func verifyArgon2(_ password: [UInt8], storedHash: String) -> Bool {
        guard let phc = Argon2PHC(storedHash), phc.memoryKiB <= Self.maximumArgon2MemoryKiB,
            phc.iterations <= Self.maximumArgon2Iterations, phc.parallelism <= Self.maximumArgon2Parallelism
        else { return false }
        let type = phc.variant == "argon2id" ? Argon2_id : Argon2_i
        // argon2_verify recomputes the tag and compares it with libargon2's constant-time comparison.
        let status = password.withUnsafeBytes { buffer in
            argon2_verify(storedHash, buffer.baseAddress, buffer.count, type)
        }
        return status == ARGON2_OK.rawValue
    }

    private func verifyWithCrypt(_ password: [UInt8], storedHash: String) -> Bool {
        // crypt takes C strings: a password containing NUL would be silently truncated, so refuse it.
        guard !password.contains(0) else { return false }
        let size = MemoryLayout<crypt_data>.size
        // crypt_data is 32 KiB: too large for a thread stack we do not control, so it lives on the heap, zeroed
        // before use (libxcrypt requires that) and wiped after, since it held password-derived state.
        let data = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<crypt_data>.alignment)
        data.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        defer {
            secureZero(UnsafeMutableRawBufferPointer(start: data, count: size))
            data.deallocate()
        }
        let phrase = password.map { CChar(bitPattern: $0) } + [0]
        guard let result = crypt_rn(phrase, storedHash, data, Int32(size)) else { return false }
        let computed = Array(String(cString: result).utf8)
        // libxcrypt's failure tokens start with '*' (`*0`, `*1`); no valid hash does.
        guard computed.first != UInt8(ascii: "*") else { return false }
        return constantTimeEquals(computed, Array(storedHash.utf8))
    }
}

/// The parts of an Argon2 PHC string needed to bound costs and decide on rehashing. libargon2 does the real
/// parsing when it verifies.
private struct Argon2PHC {
    let variant: Substring
    let version: Int
    let memoryKiB: UInt32
    let iterations: UInt32
    let parallelism: UInt32
    let saltByteCount: Int
    let hashByteCount: Int

    init?(_ text: String) {
        var fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5 || fields.count == 6, fields[0].isEmpty else { return nil }
        variant = fields[1]
        guard variant == "argon2id" || variant == "argon2i" else { return nil }
        if fields.count == 6 {
            guard fields[2].hasPrefix("v="), let version = Int(fields[2].dropFirst(2)) else { return nil }
            self.version = version
            fields.remove(at: 2)
        } else {
            version = 16
        }
        var values: [Substring: UInt32] = [:]
        for pair in fields[2].split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let value = UInt32(parts[1]) else { return nil }
            values[parts[0]] = value
        }
        guard values.count == 3, let memory = values["m"], let iterations = values["t"], let lanes = values["p"] else {
            return nil
        }
        memoryKiB = memory
        self.iterations = iterations
        parallelism = lanes
        saltByteCount = fields[3].utf8.count * 3 / 4
        hashByteCount = fields[4].utf8.count * 3 / 4
    }
}
