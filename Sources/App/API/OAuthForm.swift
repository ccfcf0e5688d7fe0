import Accounts
import HTTP
import Operations
import Records
import Security

/// The form body of an OAuth2 endpoint: every problem with it is an `invalid_request`. Parameters sent without a
/// value count as absent (RFC 6749 §3.1); repeated ones are refused; secrets are refused in the query string,
/// where they would end up in access logs.
struct OAuthForm {
    private let form: FormBody

    private static let secretParameters = ["password", "refresh_token", "token"]

    init(_ request: HTTPRequest) throws(OAuthError) {
        if Self.secretParameters.contains(where: { request.query[$0] != nil }) {
            throw OAuthError(.invalidRequest, "Credentials must be sent in the request body, not the query")
        }
        do {
            form = try FormBody(request)
        } catch {
            throw OAuthError(.invalidRequest, error.detail)
        }
    }

    subscript(name: String) -> String? {
        guard let value = form[name], !value.isEmpty else { return nil }
        return value
    }

    /// The requested scopes, nil when none were requested; unknown names are `invalid_scope`.
    func scopes() throws(OAuthError) -> ScopeSet? {
        guard let text = self["scope"] else { return nil }
        guard let scopes = ScopeSet(spaceDelimited: text) else {
            throw OAuthError(.invalidScope, "scope must be space-separated names of known scopes")
        }
        return scopes
    }

    /// The client's self-declared identifier (public clients: there is no client secret), 1–64 characters of
    /// letters, digits and `._:-`, so it is safe in tokens and logs.
    func clientID() throws(OAuthError) -> String? {
        guard let value = self["client_id"] else { return nil }
        let allowed =
            value.utf8.count <= 64
            && value.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || Array("._:-".utf8).contains(byte)
            }
        guard allowed else { throw OAuthError(.invalidRequest, "client_id must be 1 to 64 letters, digits or ._:-") }
        return value
    }
}
