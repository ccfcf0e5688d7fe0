import CLibPQ

/// One value of a result row, in PostgreSQL's binary format. Only valid during `PostgresDecodable.decode(from:)`.
public struct PostgresCell {
    /// The column's type as the server reported it.
    public let dataType: PostgresDataType
    public let columnName: String
    /// The value's bytes; nil for SQL NULL (libpq would return an empty string, which is not the same).
    let bytes: UnsafeRawBufferPointer?

    public var isNull: Bool { bytes == nil }

    init(dataType: PostgresDataType, columnName: String, bytes: UnsafeRawBufferPointer?) {
        self.dataType = dataType
        self.columnName = columnName
        self.bytes = bytes
    }

    /// A decoding error naming this cell's column.
    public func decodingError(_ reason: String) -> PostgresError {
        PostgresError(kind: .decoding, message: "\(reason) (column type \(dataType))", column: columnName)
    }

    /// The bytes of a non-NULL value, else the typed "unexpected NULL" error.
    func nonNullBytes() throws(PostgresError) -> UnsafeRawBufferPointer {
        guard let bytes else { throw decodingError("unexpected NULL") }
        return bytes
    }

    func requireType(_ accepted: PostgresDataType...) throws(PostgresError) {
        guard accepted.contains(dataType) else {
            throw decodingError("cannot decode as \(accepted.map(\.description).joined(separator: " or "))")
        }
    }
}
