import CLibPQ

/// One row of a result. Valid as long as you hold it: it keeps its result alive.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int32

    /// Decodes the value at column position `column` (0-based). Use an Optional type for nullable columns.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self, column: Int) throws(PostgresError)
        -> Value
    {
        try Value.decode(from: rows.cell(row: index, column: column))
    }

    /// Decodes the value of the first column labelled `column`.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self, column: String) throws(PostgresError)
        -> Value
    {
        guard let position = rows.columnIndex(named: column) else {
            throw PostgresError(kind: .decoding, message: "no such column", column: column)
        }
        return try decode(type, column: position)
    }
}
