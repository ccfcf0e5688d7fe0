/// The original system's two-valued gender column, kept as it is for compatibility: exactly `M` or `F`.
public enum Gender: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case male = "M"
    case female = "F"

    /// Accepts exactly `M` or `F` (upper case, nothing around them).
    public init(parsing text: String) throws(FieldError) {
        guard let gender = Gender(rawValue: text) else { throw FieldError(.gender, .invalidFormat) }
        self = gender
    }

    public var description: String { rawValue }
}
