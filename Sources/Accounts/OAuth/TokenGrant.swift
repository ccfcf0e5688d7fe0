import Security

/// What a successful grant hands to the client: a signed access token and a fresh opaque refresh token.
public struct TokenGrant: Sendable {
    public let access: IssuedAccessToken
    /// The refresh token's text; only its SHA-256 is stored.
    public let refreshToken: String
}
