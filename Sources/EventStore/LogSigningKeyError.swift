import Crypto
import Postgres

/// Why a log signing key cannot be used.
public enum LogSigningKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key was replaced by a newer one at this time; signing with it again would make checkpoints nobody accepts.
    case retired(keyID: String, atMicroseconds: Int64)

    public var description: String {
        switch self {
        case .retired(let keyID, let time):
            "the log signing key \(keyID) was retired at \(UnixMicroseconds.rfc3339(time)); configure a new key"
        }
    }
}
