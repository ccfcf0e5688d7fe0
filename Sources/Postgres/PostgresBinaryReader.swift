import Foundation

/// Reads big-endian numbers from a value's bytes, checking lengths.
struct PostgresBinaryReader {
    let bytes: UnsafeRawBufferPointer
    let cell: PostgresCell
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer, cell: PostgresCell) {
        self.bytes = bytes
        self.cell = cell
    }

    mutating func read<Integer: FixedWidthInteger>(_ type: Integer.Type) throws(PostgresError) -> Integer {
        let size = MemoryLayout<Integer>.size
        guard offset + size <= bytes.count else { throw cell.decodingError("value too short") }
        var value = Integer.zero
        withUnsafeMutableBytes(of: &value) {
            $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + size]))
        }
        offset += size
        return Integer(bigEndian: value)
    }

    mutating func readBytes(count: Int) throws(PostgresError) -> UnsafeRawBufferPointer {
        guard count >= 0, offset + count <= bytes.count else { throw cell.decodingError("value too short") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    func requireEnd() throws(PostgresError) {
        guard offset == bytes.count else { throw cell.decodingError("unexpected value length \(bytes.count)") }
    }
}
