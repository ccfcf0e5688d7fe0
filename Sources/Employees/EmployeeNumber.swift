/// The identity of an employee and of its event stream. Assigned by the store (or taken from imported data), never
/// chosen by the domain. Positive and within PostgreSQL's `integer`, the original system's column type.
public struct EmployeeNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let maximum = Int(Int32.max)

    public let value: Int

    /// Nil unless `1 ... maximum`.
    public init?(_ value: Int) {
        guard value > 0, value <= Self.maximum else { return nil }
        self.value = value
    }

    /// Parses decimal digits only: no sign, no white space.
    public init(parsing text: String) throws(FieldError) {
        guard !text.isEmpty else { throw FieldError(.empNo, .empty) }
        var value = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw FieldError(.empNo, .invalidFormat)
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            guard value <= Self.maximum else { throw FieldError(.empNo, .outOfRange) }
        }
        guard let number = EmployeeNumber(value) else { throw FieldError(.empNo, .notPositive) }
        self = number
    }

    public static func < (lhs: EmployeeNumber, rhs: EmployeeNumber) -> Bool { lhs.value < rhs.value }

    public var description: String { String(value) }
}
