import Foundation

/// Collects the binary representation of bind parameters. All parameters of one query share one byte buffer, which
/// is handed to libpq in one piece so every parameter pointer stays valid for the whole call.
public struct PostgresBinaryWriter: Sendable {
    var bytes: [UInt8] = []
    var wroteNull = false

    init() {}

    mutating func writeNull() { wroteNull = true }

    mutating func write<Integer: FixedWidthInteger>(bigEndian value: Integer) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(contentsOf data: some Sequence<UInt8>) {
        bytes.append(contentsOf: data)
    }
}
