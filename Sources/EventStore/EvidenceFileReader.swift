import Glibc

/// Why an evidence file could not be read at all (as opposed to read and found wanting).
public struct EvidenceFileError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// Reads a file line by line in large chunks, so a verifier's memory stays flat however long the file is.
struct EvidenceFileReader {
    static let chunkSize = 1 << 20

    /// Calls `body` with the chunk buffer and the range of each line (without its newline) and the line's number.
    static func forEachLine(
        path: String, _ body: (_ buffer: [UInt8], _ line: Range<Int>, _ number: Int) throws -> Void
    ) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw EvidenceFileError(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var filled = 0
        var number = 0
        while true {
            if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw EvidenceFileError(description: "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            let endOfFile = count == 0
            filled += count
            var start = 0
            while let newline = buffer[start..<filled].firstIndex(of: 0x0A) {
                number += 1
                try body(buffer, start..<newline, number)
                start = newline + 1
            }
            if endOfFile {
                if start < filled {
                    number += 1
                    try body(buffer, start..<filled, number)
                }
                return
            }
            if start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + start, filled - start)
                }
                filled -= start
            }
        }
    }
}
