import Foundation

/// What presenting a refresh token came to.
public enum RefreshRotation: Sendable {
    case rotated(TokenGrant, empNo: Int64)
    /// A spent token came back: its whole family was revoked, with the access tokens it issued (id, expiry).
    case reused(empNo: Int64, revokedAccessTokens: [(String, Date)])
    case refused(reason: String, empNo: Int64?)
    case scopeTooBroad(empNo: Int64)
}
