import Employees
import Foundation

/// Splits a file into lines (without their `\n` or `\r\n`), reading 64 KiB at a time.
final class LineReader {
    private static let chunkSize = 64 * 1024

    private let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    public init(path: String) throws(EmployeeCSVError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path: path) }
        self.path = path
        self.handle = handle
    }

    deinit { try? handle.close() }

    public func next() throws(EmployeeCSVError) -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                return Self.withoutCarriageReturn(buffer[start..<newline])
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return Self.withoutCarriageReturn(buffer[start...])
            }
            try refill()
        }
    }

    private func refill() throws(EmployeeCSVError) {
        buffer.removeFirst(start)
        start = 0
        let chunk: Data?
        do {
            chunk = try handle.read(upToCount: Self.chunkSize)
        } catch {
            throw .unreadable(path: path)
        }
        guard let chunk, !chunk.isEmpty else {
            atEnd = true
            return
        }
        buffer.append(contentsOf: chunk)
    }

    private static func withoutCarriageReturn(_ line: ArraySlice<UInt8>) -> [UInt8] {
        Array(line.last == UInt8(ascii: "\r") ? line.dropLast() : line)
    }
}
