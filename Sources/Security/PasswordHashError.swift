internal import CArgon2
internal import CXCrypt
import Crypto

/// Why a new password hash could not be made. Never carries the password.
public enum PasswordHashError: Error, Equatable, Sendable {
    /// libargon2 refused the parameters or could not allocate its memory; the code is libargon2's.
    case argon2Failure(code: Int32)
}
