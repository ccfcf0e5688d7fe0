import Foundation

/// A Swift type that can be read from a result column. Decoders check the column's type and throw a typed error naming
/// the column when it does not fit. To decode a type of your own, delegate to a built-in conformance
/// (`try Self(id: UUID.decode(from: cell))`).
public protocol PostgresDecodable {
    static func decode(from cell: PostgresCell) throws(PostgresError) -> Self
}

extension PostgresCell {
    fileprivate func reader() throws(PostgresError) -> PostgresBinaryReader {
        PostgresBinaryReader(try nonNullBytes(), cell: self)
    }

    /// An integer column of any width, as Int64.
    fileprivate func integer() throws(PostgresError) -> Int64 {
        var reader = try reader()
        let value: Int64
        switch dataType {
        case .int2: value = Int64(try reader.read(Int16.self))
        case .int4: value = Int64(try reader.read(Int32.self))
        case .int8: value = try reader.read(Int64.self)
        default: throw decodingError("cannot decode as an integer")
        }
        try reader.requireEnd()
        return value
    }

    fileprivate func utf8Text(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension Int: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int { Int(try cell.integer()) }
}

extension Int64: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int64 { try cell.integer() }
}

extension Int32: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int32 {
        guard let value = Int32(exactly: try cell.integer()) else { throw cell.decodingError("out of Int32 range") }
        return value
    }
}

extension Int16: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int16 {
        guard let value = Int16(exactly: try cell.integer()) else { throw cell.decodingError("out of Int16 range") }
        return value
    }
}

extension Bool: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Bool {
        try cell.requireType(.bool)
        var reader = try cell.reader()
        let value = try reader.read(UInt8.self)
        try reader.requireEnd()
        return value != 0
    }
}

extension Double: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Double {
        var reader = try cell.reader()
        let value: Double
        switch cell.dataType {
        case .float8: value = Double(bitPattern: try reader.read(UInt64.self))
        case .float4: value = Double(Float(bitPattern: try reader.read(UInt32.self)))
        default: throw cell.decodingError("cannot decode as Double")
        }
        try reader.requireEnd()
        return value
    }
}

/// Reads `text`, `varchar`, `char(n)`, `name`, and `numeric` (as its exact decimal text, e.g. "-12.3400").
extension String: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> String {
        switch cell.dataType {
        case .text, .varchar, .bpchar, .name: return cell.utf8Text(try cell.nonNullBytes())
        case .numeric: return try decodeNumeric(cell)
        default: throw cell.decodingError("cannot decode as String")
        }
    }

    /// The binary numeric format: digit count, weight of the first digit (in powers of 10 000), sign, display scale,
    /// then base-10 000 digits.
    private static func decodeNumeric(_ cell: PostgresCell) throws(PostgresError) -> String {
        var reader = try cell.reader()
        let digitCount = Int(try reader.read(Int16.self))
        let weight = Int(try reader.read(Int16.self))
        let sign = try reader.read(UInt16.self)
        let scale = Int(try reader.read(Int16.self))
        var digits: [Int] = []
        for _ in 0..<Swift.max(0, digitCount) { digits.append(Int(try reader.read(Int16.self))) }
        try reader.requireEnd()
        switch sign {
        case 0xC000: return "NaN"
        case 0xD000: return "Infinity"
        case 0xF000: return "-Infinity"
        default: break
        }
        func digit(at index: Int) -> Int { digits.indices.contains(index) ? digits[index] : 0 }
        func padded(_ group: Int) -> String {
            let text = String(group)
            return String(repeating: "0", count: 4 - text.count) + text
        }
        var text = sign == 0x4000 ? "-" : ""
        if weight < 0 {
            text += "0"
        } else {
            text += String(digit(at: 0))
            for index in stride(from: 1, through: weight, by: 1) { text += padded(digit(at: index)) }
        }
        if scale > 0 {
            var fraction = ""
            var index = weight + 1
            while fraction.count < scale {
                fraction += padded(digit(at: index))
                index += 1
            }
            text += "." + fraction.prefix(scale)
        }
        return text
    }
}

/// Reads `timestamptz` (and `timestamp`, taken as UTC): microseconds since 2000-01-01 00:00 UTC.
extension Date: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Date {
        try cell.requireType(.timestamptz, .timestamp)
        var reader = try cell.reader()
        let microseconds = try reader.read(Int64.self)
        try reader.requireEnd()
        guard microseconds != .max, microseconds != .min else { throw cell.decodingError("infinite timestamp") }
        return Date(timeIntervalSince1970: Double(microseconds) / 1_000_000 + unixSecondsAtPostgresEpoch)
    }
}

/// Reads `date`: days since 2000-01-01.
extension PostgresDate: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> PostgresDate {
        try cell.requireType(.date)
        var reader = try cell.reader()
        let days = try reader.read(Int32.self)
        try reader.requireEnd()
        guard days != .max, days != .min else { throw cell.decodingError("infinite date") }
        return PostgresDate(daysSincePostgresEpoch: Int(days))
    }
}

extension UUID: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> UUID {
        try cell.requireType(.uuid)
        let bytes = try cell.nonNullBytes()
        guard bytes.count == 16 else { throw cell.decodingError("unexpected value length \(bytes.count)") }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: bytes) }
        return UUID(uuid: value)
    }
}

/// Reads `int2`, `int4` or `int8` within 0...255. (A `[UInt8]` reads `bytea`, not an array of these.)
extension UInt8: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> UInt8 {
        guard let value = UInt8(exactly: try cell.integer()) else { throw cell.decodingError("out of UInt8 range") }
        return value
    }
}

/// Reads `jsonb` (a version byte, then the text) and `json` (the text).
extension PostgresJSON: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> PostgresJSON {
        var reader = try cell.reader()
        switch cell.dataType {
        case .jsonb:
            guard try reader.read(UInt8.self) == 1 else { throw cell.decodingError("unknown jsonb format version") }
            return PostgresJSON(text: cell.utf8Text(try reader.readBytes(count: reader.bytes.count - 1)))
        case .json:
            return PostgresJSON(text: cell.utf8Text(reader.bytes))
        default:
            throw cell.decodingError("cannot decode as JSON")
        }
    }
}

/// SQL NULL decodes as `nil`; any other value as the wrapped type.
extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Wrapped? {
        cell.isNull ? nil : try Wrapped.decode(from: cell)
    }
}

/// Reads a one-dimensional array (an empty array has zero dimensions). Elements decode as `Element`, so NULL
/// elements need an Optional element type. `[UInt8]` reads `bytea` (Swift allows Array only one conformance).
extension Array: PostgresDecodable where Element: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> [Element] {
        if Element.self == UInt8.self {
            try cell.requireType(.bytea)
            guard let bytes = [UInt8](try cell.nonNullBytes()) as? [Element] else {
                throw cell.decodingError("cannot decode as bytes")
            }
            return bytes
        }
        var reader = try cell.reader()
        let dimensions = try reader.read(Int32.self)
        _ = try reader.read(Int32.self)
        let elementType = PostgresDataType(oid: try reader.read(UInt32.self))
        guard dimensions != 0 else { return [] }
        guard dimensions == 1 else { throw cell.decodingError("only one-dimensional arrays are supported") }
        let count = Int(try reader.read(Int32.self))
        _ = try reader.read(Int32.self)
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            let length = Int(try reader.read(Int32.self))
            let bytes = length < 0 ? nil : try reader.readBytes(count: length)
            let element = PostgresCell(dataType: elementType, columnName: cell.columnName, bytes: bytes)
            elements.append(try Element.decode(from: element))
        }
        try reader.requireEnd()
        return elements
    }
}
