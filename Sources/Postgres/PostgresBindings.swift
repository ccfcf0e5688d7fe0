import Foundation

/// The parameters of one query: declared types, one shared byte buffer, and each parameter's place in it.
struct PostgresBindings: Sendable {
    private(set) var types: [UInt32] = []
    private(set) var writer = PostgresBinaryWriter()
    private(set) var offsets: [Int] = []
    /// Byte length of each parameter, -1 for NULL (libpq's convention).
    private(set) var lengths: [Int32] = []

    var count: Int { types.count }

    mutating func append<Value: PostgresEncodable>(_ value: Value) {
        types.append(Value.postgresDataType.oid)
        let start = writer.bytes.count
        writer.wroteNull = false
        value.encode(into: &writer)
        offsets.append(start)
        if writer.wroteNull {
            writer.bytes.removeSubrange(start...)
            lengths.append(-1)
        } else {
            lengths.append(Int32(writer.bytes.count - start))
        }
        writer.wroteNull = false
    }
}
