import Crypto

/// What verifying an export established, or the first thing that is wrong with it.
public struct ExportReport: Sendable {
    /// The first problem found: where (line of the file, position of the log) and what.
    public struct Failure: Sendable, CustomStringConvertible {
        public let file: String
        public let line: Int?
        public let position: Int64?
        public let reason: String

        public var description: String {
            var place = file
            if let line { place += ", line \(line)" }
            if let position { place += ", position \(position)" }
            return "\(place): \(reason)"
        }
    }

    public var events: Int64 = 0
    public var firstPosition: Int64?
    /// The last event: the head an auditor writes down.
    public var head: ChainHead?
    /// Signed checkpoints of this export, verified.
    public var checkpoints: [LogCheckpoint] = []
    /// How many statements of the older evidence (`--against`) were checked against this export.
    public var olderStatementsChecked = 0
    /// How many of them lie before this export's first event, so they could not be checked.
    public var olderStatementsBeforeStart = 0
    public var failure: Failure?

    public var isValid: Bool { failure == nil }
}
