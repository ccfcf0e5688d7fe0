import Glibc

/// Reads a file line by line in large chunks, so a verifier's memory stays flat however long the file is.
struct EvidenceFileReader {
    static let chunkSize = 1 << 20

    /// Calls `body` with each line (without its newline, valid only during the call) and the line's number.
    static func forEachLine(
        path: String, _ body: (_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws -> Void
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
            try buffer.withUnsafeBufferPointer { whole in
                let base = whole.baseAddress!
                while start < filled, let found = memchr(base + start, 0x0A, filled - start) {
                    let newline = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                    number += 1
                    try body(UnsafeBufferPointer(rebasing: whole[start..<newline]), number)
                    start = newline + 1
                }
                if endOfFile, start < filled {
                    number += 1
                    try body(UnsafeBufferPointer(rebasing: whole[start..<filled]), number)
                    start = filled
                }
            }
            if endOfFile { return }
            if start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + start, filled - start)
                }
                filled -= start
            }
        }
    }
}
