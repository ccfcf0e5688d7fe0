import Crypto
import JSONText

/// Why a key could not be built, loaded or stored. Messages carry paths and reasons, never key material.
public enum KeyError: Error, Equatable, Sendable {
    /// The configured HS256 secret is empty or whitespace only.
    case blankSecret
    /// The configured HS256 secret is shorter than `minimumBytes` (RFC 7518 §3.2: at least the hash size).
    case secretTooShort(minimumBytes: Int)
    /// A key file is readable or writable by group or others; refuse it as an ssh client would.
    case insecurePermissions(path: String)
    /// A key file could not be read, written or parsed.
    case unusableKeyFile(path: String, reason: String)
}
