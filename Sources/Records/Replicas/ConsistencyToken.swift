import Postgres

/// What a command's answer hands the client so that its next read, on any instance, sees the command's effect.
///
/// Format (opaque to clients, who only send it back): `w1.` and the primary's WAL position after the commit as 16
/// lowercase hexadecimal digits, e.g. `w1.00000000016b3a28`. `w1` versions the format; a token this service cannot
/// read is served from the primary, which is always current, so an old or forged token can cost time, never
/// correctness. It carries no personal data: a log position says only how much was written.
public struct ConsistencyToken: Sendable, Equatable {
    public static let header = "Consistency-Token"
    private static let prefix = "w1."

    public let position: WALPosition

    public init(_ position: WALPosition) {
        self.position = position
    }

    /// Parses a header value; nil when it is not a token of this format.
    public init?(header value: String) {
        guard value.hasPrefix(Self.prefix) else { return nil }
        let digits = value.dropFirst(Self.prefix.count)
        guard digits.count == 16, digits.allSatisfy(\.isHexDigit), let number = UInt64(digits, radix: 16) else { return nil }
        position = WALPosition(number)
    }

    public var headerValue: String {
        let digits = String(position.value, radix: 16)
        return Self.prefix + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
