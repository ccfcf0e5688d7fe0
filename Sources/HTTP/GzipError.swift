internal import CZlib

/// Why gzip compression failed: zlib reported an error (out of memory, in practice).
public struct GzipError: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    public var description: String { "zlib failed with status \(code)" }
}
