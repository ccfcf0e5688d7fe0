import Foundation
import Postgres
import Synchronization

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. For waiting on effects that arrive
/// asynchronously (a notification, a server coming back), never for measuring speed.
public func eventually(
    timeout: Duration = .seconds(10), pollingEvery interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: interval)
    }
}

/// The sample data set in `shared/` beside the checkout (`<package>/../shared/data/employees.csv`), found from this
/// file's own path so tests do not depend on where the clone lives or on the working directory.
public let sharedSampleCSVPath: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("../shared/data/employees.csv").standardizedFileURL.path
