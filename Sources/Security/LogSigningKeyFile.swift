import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The Ed25519 key that signs the event log's checkpoints. Deliberately not the access-token key: tokens and log
/// evidence have different audiences and lifetimes, and rotating one must not invalidate the other.
public enum LogSigningKeyFile {
    /// The environment variable that may hold the key instead of the data folder: an unencrypted PKCS#8 PEM document,
    /// or the 32-byte seed in base64url.
    public static let environmentVariable = "EMPLOYEES_LOG_SIGNING_KEY"
    /// Sub-folder of the data folder, and the file inside it.
    public static let folderName = "log-keys"
    public static let fileName = "log-signing-key-ed25519.pem"

    /// The key from `EMPLOYEES_LOG_SIGNING_KEY`, else from (or generated into) `<dataDirectory>/log-keys/`
    /// (mode 0700 folder, 0600 file, as the token keys).
    public static func load(dataDirectory: String, environment: [String: String]) throws(KeyError) -> Ed25519PrivateKey {
        if let configured = environment[environmentVariable] {
            return try parse(configured)
        }
        try? FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let folder = dataDirectory + "/" + folderName
        if mkdir(folder, 0o700) != 0, errno != EEXIST {
            throw .unusableKeyFile(path: folder, reason: "cannot create folder: \(String(cString: strerror(errno)))")
        }
        return try JWTKeySet.loadOrGenerateKey(at: folder + "/" + fileName)
    }

    /// The key's identifier: its RFC 7638 thumbprint, as in the JWKS of access tokens.
    public static func keyID(of key: Ed25519PublicKey) -> String {
        JWKThumbprint.sha256(requiredMembers: ["crv": "Ed25519", "kty": "OKP", "x": Base64URL.encode(key.rawRepresentation)])
    }

    static func parse(_ configured: String) throws(KeyError) -> Ed25519PrivateKey {
        let text = configured.trimmingCharacters(in: .whitespacesAndNewlines)
        let source = "$\(environmentVariable)"
        if text.hasPrefix("-----BEGIN") {
            do {
                return try Ed25519PrivateKey(pemRepresentation: text + "\n")
            } catch {
                throw .unusableKeyFile(path: source, reason: "not an Ed25519 PKCS#8 PEM private key")
            }
        }
        guard var seed = Base64URL.decode(text), seed.count == Ed25519PrivateKey.seedCount else {
            throw .unusableKeyFile(path: source, reason: "neither a PEM private key nor a 32-byte base64url seed")
        }
        defer { seed.withUnsafeMutableBytes { secureZero($0) } }
        do {
            return try Ed25519PrivateKey(seed: seed)
        } catch {
            throw .unusableKeyFile(path: source, reason: "not a usable Ed25519 seed")
        }
    }
}
