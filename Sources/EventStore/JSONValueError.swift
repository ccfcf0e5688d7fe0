import Foundation
import JSONText

/// Why a value cannot be stored as `jsonb`.
public enum JSONValueError: Error, Sendable, Equatable {
    /// PostgreSQL's `jsonb` cannot hold U+0000 in a string.
    case nulCharacter
    /// The text is not JSON, or uses what `JSONValue` does not model (fractions, exponents, huge integers).
    case unsupported(String)
}
