/// A PostgreSQL type, by its OID. Parameters declare theirs when a statement is prepared; decoders check a result
/// column's type before reading its bytes, so a wrong Swift type is a typed error instead of garbage.
public struct PostgresDataType: Hashable, Sendable, CustomStringConvertible {
    public let oid: UInt32
    public init(oid: UInt32) { self.oid = oid }

    public static let bool = PostgresDataType(oid: 16)
    public static let bytea = PostgresDataType(oid: 17)
    public static let name = PostgresDataType(oid: 19)
    public static let int8 = PostgresDataType(oid: 20)
    public static let int2 = PostgresDataType(oid: 21)
    public static let int4 = PostgresDataType(oid: 23)
    public static let text = PostgresDataType(oid: 25)
    public static let json = PostgresDataType(oid: 114)
    public static let float4 = PostgresDataType(oid: 700)
    public static let float8 = PostgresDataType(oid: 701)
    public static let boolArray = PostgresDataType(oid: 1000)
    public static let int2Array = PostgresDataType(oid: 1005)
    public static let int4Array = PostgresDataType(oid: 1007)
    public static let textArray = PostgresDataType(oid: 1009)
    public static let varcharArray = PostgresDataType(oid: 1015)
    public static let int8Array = PostgresDataType(oid: 1016)
    public static let float8Array = PostgresDataType(oid: 1022)
    public static let bpchar = PostgresDataType(oid: 1042)
    public static let varchar = PostgresDataType(oid: 1043)
    public static let date = PostgresDataType(oid: 1082)
    public static let timestamp = PostgresDataType(oid: 1114)
    public static let timestamptz = PostgresDataType(oid: 1184)
    public static let timestamptzArray = PostgresDataType(oid: 1185)
    public static let numeric = PostgresDataType(oid: 1700)
    public static let uuid = PostgresDataType(oid: 2950)
    public static let uuidArray = PostgresDataType(oid: 2951)
    public static let jsonb = PostgresDataType(oid: 3802)

    /// The one-dimensional array type whose elements have this type, for the element types we bind as arrays.
    var arrayType: PostgresDataType? {
        switch self {
        case .bool: .boolArray
        case .int2: .int2Array
        case .int4: .int4Array
        case .int8: .int8Array
        case .text: .textArray
        case .varchar: .varcharArray
        case .float8: .float8Array
        case .timestamptz: .timestamptzArray
        case .uuid: .uuidArray
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .bool: "bool"
        case .bytea: "bytea"
        case .name: "name"
        case .int8: "int8"
        case .int2: "int2"
        case .int4: "int4"
        case .text: "text"
        case .json: "json"
        case .float4: "float4"
        case .float8: "float8"
        case .bpchar: "bpchar"
        case .varchar: "varchar"
        case .date: "date"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .numeric: "numeric"
        case .uuid: "uuid"
        case .jsonb: "jsonb"
        default: "oid \(oid)"
        }
    }
}
