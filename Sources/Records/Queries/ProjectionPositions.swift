import Postgres

/// The log's head and the employees projection's checkpoint, read together: readiness and lag both compare them.
public struct ProjectionPositions: Sendable {
    public let head: Int64
    public let projectionCheckpoint: Int64

    public init(head: Int64, projectionCheckpoint: Int64) {
        self.head = head
        self.projectionCheckpoint = projectionCheckpoint
    }

    /// Whether the projection has applied every event of the log.
    public var isCaughtUp: Bool { head == projectionCheckpoint }

    public static func read(from pool: PostgresPool) async throws -> ProjectionPositions {
        try await pool.withConnection { connection in
            let head = try connection.query("SELECT position FROM event_log_head").first?.decode(Int64.self, column: 0) ?? 0
            let checkpoint =
                try connection.query(
                    "SELECT position FROM projection_checkpoints WHERE projection = \(EmployeeProjection.projectionName)"
                ).first?.decode(Int64.self, column: 0) ?? 0
            return ProjectionPositions(head: head, projectionCheckpoint: checkpoint)
        }
    }
}
