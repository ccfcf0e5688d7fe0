/// A position in PostgreSQL's write-ahead log (an LSN, written `16/B374D848` in SQL), as a number that compares.
///
/// Why a type of its own: read-your-writes across instances compares the position a command's commit reached on the
/// primary with what a standby has replayed; both come from SQL as text, and the comparison has one subtle case
/// (`isReached(byReplayOf:pageSize:)`).
public struct WALPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    /// Parses PostgreSQL's `pg_lsn` text form: two hexadecimal numbers of at most 8 digits, `high/low`.
    public init?(lsn text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...8).contains(parts[0].count), (1...8).contains(parts[1].count),
            let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16)
        else { return nil }
        value = high << 32 | low
    }

    public var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    public static func < (lhs: WALPosition, rhs: WALPosition) -> Bool { lhs.value < rhs.value }

    /// The most a page header can take: the long header at the start of a segment (24 bytes otherwise).
    static let longestPageHeader: UInt64 = 40

    /// Whether a standby whose replay has ended at `replayed` holds every record that ended at or before this
    /// position, when this position was read with `pg_current_wal_insert_lsn()`.
    ///
    /// The subtle case: when the last record ends exactly on a page boundary, the insert position already points past
    /// the next page's header, while the standby's replay position is the end of that last record, the boundary
    /// itself. No record fits in a page header, so a position at most a header past a boundary the standby reached
    /// names nothing the standby lacks.
    public func isReached(byReplayOf replayed: WALPosition, pageSize: UInt64) -> Bool {
        if replayed >= self { return true }
        guard pageSize > 0, replayed.value % pageSize == 0 else { return false }
        return value - replayed.value <= Self.longestPageHeader
    }
}
