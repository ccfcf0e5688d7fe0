import Postgres

/// Folds the log, in position order, into a projection's rows during a rebuild, then writes them in bulk.
public protocol ProjectionRebuilder {
    mutating func consume(_ event: RecordedEvent) throws
    /// Writes the accumulated rows into the (just emptied) tables, inside the rebuild's transaction.
    func finish(on connection: PostgresConnection) throws
}
