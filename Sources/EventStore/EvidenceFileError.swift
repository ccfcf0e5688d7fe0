import Glibc

/// Why an evidence file could not be read at all (as opposed to read and found wanting).
public struct EvidenceFileError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
