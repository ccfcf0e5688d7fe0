import Crypto

/// The private half of the log signing key with its identifier: what signs checkpoints. Never stored in the database.
public struct LogSigner: Sendable {
    public let key: Ed25519PrivateKey
    /// The key's RFC 7638 thumbprint, as published in `log-keys.json`.
    public let keyID: String

    public init(key: Ed25519PrivateKey, keyID: String) {
        self.key = key
        self.keyID = keyID
    }

    /// Signs the statement about the event at `position`, now.
    public func sign(
        position: Int64, hash: [UInt8], recordedAtMicroseconds: Int64,
        signedAtMicroseconds: Int64 = UnixMicroseconds.now()
    ) throws(CryptoError) -> LogCheckpoint {
        let payload = LogCheckpoint.signingPayload(
            position: position, hash: hash, recordedAtMicroseconds: recordedAtMicroseconds,
            signedAtMicroseconds: signedAtMicroseconds)
        return LogCheckpoint(
            position: position, hash: hash, recordedAtMicroseconds: recordedAtMicroseconds,
            signedAtMicroseconds: signedAtMicroseconds, keyID: keyID, signature: try key.signature(for: payload))
    }
}
