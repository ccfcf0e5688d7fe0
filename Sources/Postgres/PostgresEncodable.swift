import Foundation

/// A Swift value that can be a bind parameter. The built-in conformances cover the types this project stores; to bind
/// a type of your own, delegate to one of them (`func encode(into writer:) { id.encode(into: &writer) }`).
/// Parameters travel in PostgreSQL's binary format, so no value is ever turned into SQL text.
public protocol PostgresEncodable: Sendable {
    /// The PostgreSQL type the parameter is declared with when its statement is prepared.
    static var postgresDataType: PostgresDataType { get }
    /// Writes the value's binary representation.
    func encode(into writer: inout PostgresBinaryWriter)
}

extension Int: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .int8 }
    public func encode(into writer: inout PostgresBinaryWriter) { writer.write(bigEndian: Int64(self)) }
}

extension Int64: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .int8 }
    public func encode(into writer: inout PostgresBinaryWriter) { writer.write(bigEndian: self) }
}

extension Int32: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .int4 }
    public func encode(into writer: inout PostgresBinaryWriter) { writer.write(bigEndian: self) }
}

extension Int16: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .int2 }
    public func encode(into writer: inout PostgresBinaryWriter) { writer.write(bigEndian: self) }
}

extension Bool: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .bool }
    public func encode(into writer: inout PostgresBinaryWriter) { writer.write(bigEndian: UInt8(self ? 1 : 0)) }
}

extension Double: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .float8 }
    public func encode(into writer: inout PostgresBinaryWriter) { writer.write(bigEndian: bitPattern) }
}

/// Bound as `text`. Compare with `citext`, enum or `uuid` columns through an explicit cast (`$1::citext`).
extension String: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .text }
    public func encode(into writer: inout PostgresBinaryWriter) { writer.write(contentsOf: utf8) }
}

extension Substring: PostgresEncodable {
    public static var postgresDataType: PostgresDataType { .text }
    public func encode(into writer: inout PostgresBinaryWriter) { writer.write(contentsOf: utf8) }
}

/// Bound as `timestamptz`, rounded to the microsecond (PostgreSQL's resolution).
extension Date: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .timestamptz }
    public func encode(into writer: inout PostgresBinaryWriter) {
        let seconds = timeIntervalSince1970 - unixSecondsAtPostgresEpoch
        writer.write(bigEndian: Int64((seconds * 1_000_000).rounded()))
    }
}

extension PostgresDate: PostgresEncodable {
    public static var postgresDataType: PostgresDataType { .date }
    public func encode(into writer: inout PostgresBinaryWriter) {
        writer.write(bigEndian: Int32(daysSincePostgresEpoch))
    }
}

extension UUID: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .uuid }
    public func encode(into writer: inout PostgresBinaryWriter) {
        withUnsafeBytes(of: uuid) { writer.write(contentsOf: $0) }
    }
}

/// Bound as `int2`. An array of bytes (`[UInt8]`) is not `int2[]` but `bytea`.
extension UInt8: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .int2 }
    public func encode(into writer: inout PostgresBinaryWriter) { writer.write(bigEndian: Int16(self)) }
}

/// Bound as `jsonb` (binary format version 1 followed by the JSON text).
extension PostgresJSON: PostgresEncodable {
    public static var postgresDataType: PostgresDataType { .jsonb }
    public func encode(into writer: inout PostgresBinaryWriter) {
        writer.write(bigEndian: UInt8(1))
        writer.write(contentsOf: text.utf8)
    }
}

/// `nil` binds SQL NULL, declared with the wrapped type so `$1 IS NULL` still knows its type.
extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresDataType: PostgresDataType { Wrapped.postgresDataType }
    public func encode(into writer: inout PostgresBinaryWriter) {
        switch self {
        case .some(let value): value.encode(into: &writer)
        case .none: writer.writeNull()
        }
    }
}

extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {}

/// A one-dimensional array with lower bound 1, in PostgreSQL's binary array format; `[UInt8]` is `bytea`.
/// (Swift allows Array only one conformance to a protocol, so bytes are the special case inside it.)
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType {
        if Element.self == UInt8.self { return .bytea }
        return Element.postgresDataType.arrayType ?? PostgresDataType(oid: 0)
    }

    public func encode(into writer: inout PostgresBinaryWriter) {
        if Element.self == UInt8.self {
            withUnsafeBytes { writer.write(contentsOf: $0) }
            return
        }
        guard !isEmpty else {
            writer.write(bigEndian: Int32(0))
            writer.write(bigEndian: Int32(0))
            writer.write(bigEndian: Element.postgresDataType.oid)
            return
        }
        writer.write(bigEndian: Int32(1))
        let hasNullFlagOffset = writer.bytes.count
        writer.write(bigEndian: Int32(0))
        writer.write(bigEndian: Element.postgresDataType.oid)
        writer.write(bigEndian: Int32(count))
        writer.write(bigEndian: Int32(1))
        var hasNull = false
        for element in self {
            let lengthOffset = writer.bytes.count
            writer.write(bigEndian: Int32(0))
            writer.wroteNull = false
            element.encode(into: &writer)
            let length: Int32
            if writer.wroteNull {
                hasNull = true
                writer.wroteNull = false
                length = -1
            } else {
                length = Int32(writer.bytes.count - lengthOffset - 4)
            }
            writer.bytes.replaceBigEndian(length, at: lengthOffset)
        }
        if hasNull { writer.bytes.replaceBigEndian(Int32(1), at: hasNullFlagOffset) }
    }
}

extension [UInt8] {
    fileprivate mutating func replaceBigEndian(_ value: Int32, at offset: Int) {
        Swift.withUnsafeBytes(of: value.bigEndian) { replaceSubrange(offset..<offset + 4, with: $0) }
    }
}
