/// What presenting a refresh token came to.
public enum RefreshRotation: Sendable {
    case rotated(TokenGrant, empNo: Int64)
    /// A spent token came back: its whole family was revoked.
    case reused(empNo: Int64)
    case refused(reason: String, empNo: Int64?)
    case scopeTooBroad(empNo: Int64)
}
