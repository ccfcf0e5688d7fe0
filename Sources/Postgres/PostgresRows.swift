import CLibPQ

/// The rows of one query result, read in place from libpq's result (binary format, no copy until decoded).
///
/// `@unchecked Sendable` is safe: the only stored state is an immutable `PGresult` and arrays fixed at init, and
/// libpq documents that a PGresult is read-only after creation and may be passed between threads freely.
/// The result is `PQclear`ed exactly once, in `deinit`, by this single owner.
public final class PostgresRows: RandomAccessCollection, @unchecked Sendable {
    private let result: OpaquePointer
    /// The column names, in order, as the server labelled them.
    public let columnNames: [String]
    private let columnTypes: [PostgresDataType]
    public let startIndex = 0
    public let endIndex: Int

    /// Takes ownership of `result`.
    init(taking result: OpaquePointer) {
        self.result = result
        endIndex = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        columnNames = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        columnTypes = (0..<columnCount).map { PostgresDataType(oid: PQftype(result, Int32($0))) }
    }

    deinit { PQclear(result) }

    public subscript(position: Int) -> PostgresRow {
        precondition(indices.contains(position), "row index out of range")
        return PostgresRow(rows: self, index: Int32(position))
    }

    /// The position of the first column with this name, if any.
    public func columnIndex(named name: String) -> Int? {
        columnNames.firstIndex(of: name)
    }

    func cell(row: Int32, column: Int) throws(PostgresError) -> PostgresCell {
        guard columnTypes.indices.contains(column) else {
            throw PostgresError(kind: .decoding, message: "no column at index \(column)", column: "#\(column)")
        }
        let field = Int32(column)
        let bytes: UnsafeRawBufferPointer?
        if PQgetisnull(result, row, field) != 0 {
            bytes = nil
        } else {
            bytes = UnsafeRawBufferPointer(
                start: PQgetvalue(result, row, field), count: Int(PQgetlength(result, row, field)))
        }
        return PostgresCell(dataType: columnTypes[column], columnName: columnNames[column], bytes: bytes)
    }
}
