/// Why a cryptographic operation failed. Cases carry no key material or input bytes, so they are safe to log.
public enum CryptoError: Error, Equatable, Sendable {
    /// Raw key bytes had the wrong length or were rejected by libcrypto.
    case invalidKey
    /// A PEM document could not be parsed, was encrypted, or held something other than what was asked for.
    case invalidPEM
    /// libcrypto reported a failure in an operation that does not depend on the input (allocation, provider).
    case libraryFailure(operation: String)
}
