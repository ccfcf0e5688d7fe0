import Crypto
import Foundation
import JSONText

/// A freshly issued access token and the facts the token endpoint reports about it.
public struct IssuedAccessToken: Sendable {
    /// The compact JWS to hand to the client.
    public let token: String
    /// The `jti` claim.
    public let tokenID: String
    public let issuedAt: Date
    public let expiresAt: Date
    public let scopes: ScopeSet
}
