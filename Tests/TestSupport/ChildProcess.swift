import Foundation

/// Runs an independent program a test checks the service against (a Python verifier, PyJWT), to completion.
public enum ChildProcess {
    /// Runs `command` through `/usr/bin/env`, its combined output in a temporary file (a pipe could fill up and
    /// stall it), and returns the exit status and the output. `environment` nil keeps the test's own.
    public static func run(_ command: [String], environment: [String: String]? = nil) async throws -> (Int32, String) {
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let output = try FileHandle(forWritingTo: outputURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        if let environment { process.environment = environment }
        process.standardOutput = output
        process.standardError = output
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try output.close()
        return (status, (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "")
    }
}
