import Foundation
import Postgres

/// Why an append did not happen. Nothing of a failed request is in the log.
public enum AppendError: Error, Sendable {
    /// The stream is not at the expected version: someone else appended first. Reload, decide again, retry.
    case wrongExpectedVersion(stream: StreamID, expected: ExpectedVersion, actual: Int)
    /// An inline projection refused the request (for example a unique key is taken); its neighbours went on.
    case rejected(ProjectionRejection)
    /// The request cannot be stored (an empty event list, or data PostgreSQL's jsonb cannot hold).
    case invalidRequest(String)
    /// The database could not be reached or the batch's transaction failed; nothing of the batch was committed.
    case unavailable(PostgresError?)
}
