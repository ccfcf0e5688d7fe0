/// A family name as the original system stores it: 1 to 16 characters after trimming, no control characters.
public struct LastName: Sendable, Hashable, CustomStringConvertible {
    public static let maximumLength = 16

    public let value: String

    public init(_ raw: String) throws(FieldError) {
        value = try PersonName.validated(raw, field: .lastName, maximumLength: Self.maximumLength)
    }

    public var description: String { value }
}
