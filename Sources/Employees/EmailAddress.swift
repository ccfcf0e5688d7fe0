/// An email address in the practical subset of RFC 5321/5322 that real mail systems accept: a dot-atom local part
/// (at most 64 characters) and a host name of at least two dot-separated labels, at most 255 characters in all (the
/// original column is `varchar(255)`). ASCII only: no quoted local parts, no IP literals, no internationalized
/// addresses.
///
/// `value` keeps the local part as given and lowercases the domain (domains are case-insensitive by definition).
/// `uniquenessKey` lowercases the whole address: local parts are case-sensitive in theory, but the original system
/// compares addresses case-insensitively and no real mailbox provider distinguishes them, so two addresses that
/// differ only in case belong to one person. Uniqueness itself is enforced atomically by the store on that key,
/// never by the domain, which sees one employee at a time.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public static let maximumLength = 255
    public static let maximumLocalPartLength = 64

    public let value: String

    /// Trims surrounding white space, then validates.
    public init(_ raw: String) throws(FieldError) {
        let trimmed = Text.trimmingWhiteSpace(raw)
        guard !trimmed.isEmpty else { throw FieldError(.email, .empty) }
        guard
            !trimmed.unicodeScalars.contains(where: { Text.isForbiddenInText($0) || $0.properties.isWhitespace })
        else { throw FieldError(.email, .invalidCharacters) }
        guard trimmed.unicodeScalars.count <= Self.maximumLength else {
            throw FieldError(.email, .tooLong(maximum: Self.maximumLength))
        }
        let parts = trimmed.utf8.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isDotAtom(parts[0]), parts[0].count <= Self.maximumLocalPartLength,
            Self.isHostName(parts[1])
        else { throw FieldError(.email, .invalidFormat) }
        value = String(Substring(parts[0])) + "@" + Self.lowercasedASCII(parts[1])
    }

    /// The whole address lowercased: the key the store keeps unique.
    public var uniquenessKey: String { Self.lowercasedASCII(value.utf8[...]) }

    public var description: String { value }

    private static func isDotAtom(_ local: Substring.UTF8View) -> Bool {
        let atoms = local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return atoms.allSatisfy { atom in !atom.isEmpty && atom.allSatisfy(isAtomText) }
    }

    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    private static func isAtomText(_ byte: UInt8) -> Bool {
        isLetterOrDigit(byte) || "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
    }

    /// Labels of letters, digits and inner hyphens, 1 to 63 long; at least two labels; the last not all digits.
    private static func isHostName(_ domain: Substring.UTF8View) -> Bool {
        guard domain.count <= 253 else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2, let topLevel = labels.last, !topLevel.allSatisfy(isDigit) else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                && label.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    private static func lowercasedASCII(_ text: Substring.UTF8View) -> String {
        String(
            decoding: text.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
