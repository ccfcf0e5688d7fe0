import Foundation

/// Who the password is for, so that it can be checked against context-specific words (NIST SP 800-63B-4 §3.1.1.2).
public struct PasswordContext: Sendable {
    public var email: String?
    public var names: [String]

    public init(email: String? = nil, names: [String] = []) {
        self.email = email
        self.names = names
    }
}
