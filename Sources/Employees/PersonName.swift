/// A given name as the original system stores it: 1 to 14 characters after trimming, no control characters.
/// Distinct from `LastName` so that the two cannot be swapped by accident.
public struct FirstName: Sendable, Hashable, CustomStringConvertible {
    public static let maximumLength = 14

    public let value: String

    public init(_ raw: String) throws(FieldError) {
        value = try PersonName.validated(raw, field: .firstName, maximumLength: Self.maximumLength)
    }

    public var description: String { value }
}

/// A family name as the original system stores it: 1 to 16 characters after trimming, no control characters.
public struct LastName: Sendable, Hashable, CustomStringConvertible {
    public static let maximumLength = 16

    public let value: String

    public init(_ raw: String) throws(FieldError) {
        value = try PersonName.validated(raw, field: .lastName, maximumLength: Self.maximumLength)
    }

    public var description: String { value }
}

/// The rules both name parts share. Length counts Unicode scalars, as PostgreSQL's `varchar(n)` counts characters,
/// so a name accepted here always fits the column. Bidirectional controls are refused (a U+202E can make a name
/// read as another on screen), and so is a name with nothing visible in it. Names reach the domain in NFC (the
/// app normalizes its input; the domain has no Unicode tables for it), so one name typed twice compares equal.
enum PersonName {
    static func validated(_ raw: String, field: EmployeeField, maximumLength: Int) throws(FieldError) -> String {
        let trimmed = Text.trimmingWhiteSpace(raw)
        guard !trimmed.isEmpty else { throw FieldError(field, .empty) }
        guard !trimmed.unicodeScalars.contains(where: { Text.isForbiddenInText($0) || $0.properties.isBidiControl }) else {
            throw FieldError(field, .invalidCharacters)
        }
        guard trimmed.unicodeScalars.contains(where: Text.isVisible) else { throw FieldError(field, .noVisibleCharacter) }
        guard trimmed.unicodeScalars.count <= maximumLength else {
            throw FieldError(field, .tooLong(maximum: maximumLength))
        }
        return trimmed
    }
}

/// Small text helpers, written here because the domain does not import Foundation.
enum Text {
    static func trimmingWhiteSpace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    /// Letters, digits, punctuation and symbols: what makes a mark on the page by itself (spaces, combining marks
    /// and format characters such as the zero-width space do not).
    static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
        // Some fillers (U+3164) are letters by category yet ignorable by default: they draw nothing.
        guard !scalar.properties.isDefaultIgnorableCodePoint else { return false }
        return switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            true
        default: false
        }
    }

    /// Control characters (C0, DEL, C1) and the line and paragraph separators: nothing a name or address may hold.
    static func isForbiddenInText(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
