import Crypto
import Foundation
import JSONText

/// A token that passed every check: who it speaks for and what it claims. Authorization must still consult the
/// `PrincipalTable` for current scopes and revocations.
public struct VerifiedAccessToken: Sendable, Equatable {
    public let empNo: Int64
    /// `employee:<emp_no>`.
    public let subject: String
    public let clientID: String
    public let scopes: ScopeSet
    public let issuedAt: Date
    public let expiresAt: Date
    public let tokenID: String
    /// The `kid` of the key that verified the signature.
    public let keyID: String
}
