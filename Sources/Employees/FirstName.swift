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
