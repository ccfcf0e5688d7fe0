import Foundation
import Security
import TestSupport
import XCTest

@testable import App

/// Runs `Tests/python/api_schema_check.py` (an authentication probe, then Schemathesis with every check) against a
/// live service with a `super:*` token: no 5xx, no response that contradicts `/openapi.json`, schema-valid requests
/// accepted and schema-invalid ones refused, and every secured operation refuses missing or bad credentials.
/// Operations come from the document, so routes added later are tested without changing this test. Schemathesis is
/// installed by `.ci/setup`; without it the test fails (it never installs anything itself).
final class SchemathesisTests: XCTestCase {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("python/api_schema_check.py").path

    /// The run's upper bound; Schemathesis itself is bounded by `--max-examples` and normally takes well under it.
    static let timeLimit: Duration = .seconds(240)

    func testTheServiceHonoursItsOpenAPIDocument() async throws {
        guard let python = Self.executable(named: "python3") else {
            print("SKIPPED: python3 is not installed, so the OpenAPI document was NOT checked against the service")
            throw XCTSkip("python3 is not installed: the OpenAPI document was not checked (run .ci/setup)")
        }
        let harness = try await ServiceHarness.start()
        do {
            try await harness.makeEmployee(email: "first@example.com")  // emp_no 1: the generator's favourite boundary
            let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.superAll])
            let throwaway = try await harness.makeEmployee(email: "throwaway@example.com", scopes: [.userRead])
            let token = try harness.token(for: admin, scopes: [.superAll])
            let (status, output) = try await Self.run(
                python, [Self.script],
                environment: [
                    "EMPLOYEES_BASE_URL": "http://127.0.0.1:\(harness.client.port)", "EMPLOYEES_ADMIN_TOKEN": token,
                    "EMPLOYEES_THROWAWAY_EMP_NO": String(throwaway), "EMPLOYEES_CALLER_EMP_NO": String(admin),
                ])
            print(output)  // the Schemathesis summary, for the CI log
            XCTAssertFalse(output.contains("SCHEMATHESIS MISSING"), "Schemathesis is not installed: run `bash .ci/setup`")
            XCTAssertEqual(status, 0, output)
            XCTAssertTrue(output.contains("authentication probe: ok"), output)
            XCTAssertTrue(output.contains("schemathesis: ok"), output)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a process to completion (killing it past `timeLimit`) and returns its status and combined output.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) async throws -> (Int32, String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("schemathesis-\(UUID().uuidString).log")
            .path
        guard FileManager.default.createFile(atPath: outputPath, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        process.currentDirectoryURL = URL(fileURLWithPath: try TestCluster.makeTemporaryFolder())  // Schemathesis' cache
        try process.run()
        let deadline = ContinuousClock.now + timeLimit
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                process.waitUntilExit()
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        try output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, text)
    }
}
