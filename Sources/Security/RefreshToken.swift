import Crypto

/// An opaque refresh token: 32 random bytes in base64url for the client, and the SHA-256 of that text for the
/// database, so a leaked table cannot be replayed. Storage and rotation are the app's job.
public struct RefreshToken: Sendable, CustomStringConvertible {
    /// The text handed to the client once; never store or log it.
    public let token: String
    /// SHA-256 of `token`'s UTF-8 bytes: what the database keeps and looks up.
    public let storageHash: [UInt8]

    /// A fresh token.
    public static func generate() -> RefreshToken {
        let token = Base64URL.encode(SecureRandom.bytes(count: 32))
        return RefreshToken(token: token, storageHash: SHA256.hash(token.utf8))
    }

    /// The storage hash of a token presented by a client, or nil when it cannot be one of ours (not 43 characters
    /// of canonical base64url), so junk never reaches the database.
    public static func storageHash(of presented: String) -> [UInt8]? {
        guard presented.utf8.count == 43, let decoded = Base64URL.decode(presented), decoded.count == 32 else {
            return nil
        }
        return SHA256.hash(presented.utf8)
    }

    public var description: String { "RefreshToken(redacted)" }
}
