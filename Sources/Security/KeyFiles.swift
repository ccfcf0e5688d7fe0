import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension JWTKeySet {
    /// File name of the active Ed25519 key inside the key folder.
    public static let activeKeyFileName = "signing-key-ed25519.pem"
    /// Sub-folder whose `*.pem` files are retired keys: they verify but never sign.
    public static let retiredKeyFolderName = "retired"

    /// Loads the Ed25519 key set from `directory`, generating the active key on first run.
    ///
    /// Layout: `<directory>/signing-key-ed25519.pem` (PKCS#8 PEM, mode 0600) signs; every
    /// `<directory>/retired/*.pem` still verifies. To rotate: move the active file into `retired/` and restart;
    /// a new key is generated. Key files readable by group or others are refused. The folder is created with mode
    /// 0700 if missing. Two processes starting at once end up with the same key: the file is published with
    /// `link(2)`, which fails if another process won the race, and the winner's key is then loaded.
    public static func loadOrCreateEd25519(directory: String) throws(KeyError) -> JWTKeySet {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw .unusableKeyFile(path: directory, reason: "cannot create folder: \(String(cString: strerror(errno)))")
        }
        let activePath = directory + "/" + activeKeyFileName
        let active = try loadOrGenerateKey(at: activePath)
        var retired: [JWTVerificationKey] = []
        let retiredFolder = directory + "/" + retiredKeyFolderName
        let names = (try? FileManager.default.contentsOfDirectory(atPath: retiredFolder)) ?? []
        for name in names.sorted() where name.hasSuffix(".pem") {
            retired.append(.ed25519(try readKey(at: retiredFolder + "/" + name).publicKey))
        }
        return JWTKeySet(signingKey: .ed25519(active), retiredKeys: retired)
    }

    static func loadOrGenerateKey(at path: String) throws(KeyError) -> Ed25519PrivateKey {
        if access(path, F_OK) == 0 { return try readKey(at: path) }
        let key = Ed25519PrivateKey()
        let pem: String
        do {
            pem = try key.pemRepresentation()
        } catch {
            throw .unusableKeyFile(path: path, reason: "cannot encode the new key")
        }
        let temporaryPath = path + ".tmp-" + Hex.encode(SecureRandom.bytes(count: 8))
        try writeNewFile(at: temporaryPath, contents: Array(pem.utf8))
        defer { unlink(temporaryPath) }
        if link(temporaryPath, path) != 0 {
            guard errno == EEXIST else {
                throw .unusableKeyFile(path: path, reason: "cannot publish key file: \(String(cString: strerror(errno)))")
            }
            return try readKey(at: path)
        }
        return key
    }

    private static func writeNewFile(at path: String, contents: [UInt8]) throws(KeyError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw .unusableKeyFile(path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else {
            throw .unusableKeyFile(path: path, reason: "cannot set mode 0600")
        }
        var written = 0
        while written < contents.count {
            let result = contents.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else {
                throw .unusableKeyFile(path: path, reason: "cannot write: \(String(cString: strerror(errno)))")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw .unusableKeyFile(path: path, reason: "cannot fsync") }
    }

    static func readKey(at path: String) throws(KeyError) -> Ed25519PrivateKey {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            throw .unusableKeyFile(path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unusableKeyFile(path: path, reason: "cannot stat") }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .unusableKeyFile(path: path, reason: "not a file") }
        guard status.st_mode & 0o077 == 0 else { throw .insecurePermissions(path: path) }
        let maximumSize = 16 * 1024
        guard status.st_size <= maximumSize else { throw .unusableKeyFile(path: path, reason: "too large") }
        var buffer = [UInt8](repeating: 0, count: maximumSize)
        defer { buffer.withUnsafeMutableBytes { secureZero($0) } }
        var total = 0
        while total < maximumSize {
            let result = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + total, maximumSize - total) }
            if result < 0, errno == EINTR { continue }
            guard result >= 0 else { throw .unusableKeyFile(path: path, reason: "cannot read") }
            if result == 0 { break }
            total += result
        }
        do {
            return try Ed25519PrivateKey(pemRepresentation: String(decoding: buffer[..<total], as: UTF8.self))
        } catch {
            throw .unusableKeyFile(path: path, reason: "not an Ed25519 PKCS#8 PEM private key")
        }
    }
}
