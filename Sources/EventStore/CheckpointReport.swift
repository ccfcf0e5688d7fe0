import Postgres

/// What the stored checkpoints say about the log: how far back signed evidence reaches, and the first place where
/// the log disagrees with it.
public struct CheckpointReport: Sendable {
    public let checkpointsChecked: Int
    public let oldest: LogCheckpoint?
    public let newest: LogCheckpoint?
    /// The last checkpoint that agrees with the log, before any disagreement.
    public let lastAgreeing: LogCheckpoint?
    /// The first checkpoint that is not valid evidence or that the log contradicts, and why.
    public let firstProblem: (checkpoint: LogCheckpoint, reason: String)?

    public var isConsistent: Bool { firstProblem == nil }
}
