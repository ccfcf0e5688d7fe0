import Crypto
import Foundation
import JSONText

/// Why an access token was refused. Every malformed, forged or stale input maps to one of these; the verifier never
/// traps. Cases name the failed rule (and the claim or header parameter) but never echo token content.
public enum TokenError: Error, Equatable, Sendable {
    /// Longer than the verifier's size limit (8 KiB by default).
    case tooLarge
    /// Not exactly three non-empty dot-separated parts.
    case malformed
    /// A part is not canonical unpadded base64url.
    case invalidEncoding
    /// The header is not a strict JSON object (syntax, duplicate names, nesting too deep) or `alg`/`kid` has the
    /// wrong type or is missing.
    case invalidHeader
    /// `alg` is `none` in any spelling: unsigned tokens are never accepted.
    case algorithmNone
    /// A header parameter that would let the token choose its own key (`jku`, `x5u`, `jwk`, `x5c`).
    case forbiddenHeaderParameter(String)
    /// A `crit` header: this verifier understands no extensions, so it must refuse (RFC 7515 §4.1.11).
    case unsupportedCriticalHeader
    /// No `kid` header.
    case missingKeyID
    /// No key with that `kid`.
    case unknownKey
    /// The header's `alg` differs from the algorithm of the key found by `kid`.
    case algorithmMismatch
    /// The signature does not verify.
    case invalidSignature
    /// `typ` is not `at+jwt` (RFC 9068 §4).
    case wrongType
    /// The payload is not a strict JSON object.
    case invalidClaims
    case wrongIssuer
    case wrongAudience
    /// `exp` has passed (beyond the leeway).
    case expired
    /// `nbf` is still in the future (beyond the leeway).
    case notYetValid
    /// `iat` is in the future (beyond the leeway).
    case issuedInFuture
    /// A required claim is absent.
    case missingClaim(String)
    /// A claim has the wrong type or an unacceptable value.
    case invalidClaim(String)
}
