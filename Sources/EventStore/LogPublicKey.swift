import Crypto

/// The public half of a log signing key and the period in which it signed: a checkpoint claiming a signing time
/// outside it is refused, so a retired (or leaked and replaced) key cannot vouch for later history.
public struct LogPublicKey: Sendable, Equatable {
    public let keyID: String
    public let publicKey: Ed25519PublicKey
    public let validFromMicroseconds: Int64
    /// nil while the key is the one in use.
    public let validUntilMicroseconds: Int64?

    public init(keyID: String, publicKey: Ed25519PublicKey, validFromMicroseconds: Int64, validUntilMicroseconds: Int64?) {
        self.keyID = keyID
        self.publicKey = publicKey
        self.validFromMicroseconds = validFromMicroseconds
        self.validUntilMicroseconds = validUntilMicroseconds
    }

    public func isValid(atMicroseconds time: Int64) -> Bool {
        time >= validFromMicroseconds && validUntilMicroseconds.map { time <= $0 } ?? true
    }
}
