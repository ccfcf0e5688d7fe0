/// A JSON value as read by `StrictJSONParser`: untrusted input (token parts, request bodies) parsed strictly.
public enum StrictJSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// A number with a fraction or exponent, or an integer outside `Int64`.
    case fractional(Double)
    case string(String)
    case array([StrictJSONValue])
    case object([String: StrictJSONValue])

    public var numericValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .fractional(let value): value
        default: nil
        }
    }
}
