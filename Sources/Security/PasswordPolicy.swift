import Foundation

/// NIST SP 800-63B-4 rules for a new password: at least 15 characters, at most 256, every Unicode character
/// allowed and counted once (after NFC normalization), no composition rules, no truncation, and a blocklist of
/// common and breached passwords plus context words.
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 15
    public static let maximumLength = 256
    /// Context words shorter than this are ignored, or anyone called "Li" could never use those two letters.
    private static let minimumContextWordLength = 4
    private static let serviceWords = ["employee"]

    public init() {}

    /// Throws the first rule `password` breaks.
    public func validate(_ password: String, context: PasswordContext = PasswordContext())
        throws(PasswordPolicyViolation)
    {
        let normalized = password.precomposedStringWithCanonicalMapping
        let length = normalized.unicodeScalars.count
        guard length >= Self.minimumLength else { throw .tooShort(minimum: Self.minimumLength) }
        guard length <= Self.maximumLength else { throw .tooLong(maximum: Self.maximumLength) }

        let folded = normalized.lowercased()
        if PasswordBlocklist.isCommon(folded) { throw .commonPassword }
        if PasswordBlocklist.isRepetitiveOrSequential(folded) { throw .repetitiveOrSequential }
        for word in Self.contextWords(context) where folded.contains(word) {
            throw .containsContextWord
        }
    }

    private static func contextWords(_ context: PasswordContext) -> [String] {
        var words = serviceWords
        if let email = context.email?.lowercased() {
            let localPart = email.split(separator: "@", maxSplits: 1).first.map(String.init) ?? email
            words.append(localPart)
            words += localPart.split(whereSeparator: { ".-_+".contains($0) }).map(String.init)
        }
        for name in context.names {
            let lowered = name.precomposedStringWithCanonicalMapping.lowercased()
            words.append(lowered)
            words += lowered.split(whereSeparator: { !$0.isLetter }).map(String.init)
        }
        return words.filter { $0.unicodeScalars.count >= minimumContextWordLength }
    }
}
