import Foundation
import Security
import TestSupport
import XCTest

@testable import App

/// Runs `Tests/python/test_tokens.py` (PyJWT, cryptography, oauthlib) against a running service: verifiers and
/// a client library that share no code with ours. Skipped only when python3 itself is missing.
final class PythonTokenTests: XCTestCase {
    static let password = "violet tramway nineteen lanterns"

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("python/run_token_tests.sh")

    func testOurEdDSATokensAgainstPyJWTAndOauthlib() async throws {
        try await run(mode: "eddsa", environment: [:])
    }

    func testHS256TokensMintedInPythonWithTheSharedSecretAreAccepted() async throws {
        let secret = "python-shared-secret-" + UUID().uuidString
        try await run(
            mode: "hs256", environment: ["EMPLOYEES_JWT_HS256_SECRET": secret], extra: ["EMPLOYEES_TEST_HS256_SECRET": secret])
    }

    private func run(mode: String, environment: [String: String], extra: [String: String] = [:]) async throws {
        guard Self.commandSucceeds(["python3", "--version"]) else { throw XCTSkip("python3 is not installed") }
        let harness = try await ServiceHarness.start(environment: environment)
        do {
            let email = "python-\(mode)@example.com"
            let empNo = try await harness.makeEmployee(
                email: email, scopes: [.userRead], passwordHash: try AuthTests.fixtureHasher.hash(Self.password))
            var variables = ProcessInfo.processInfo.environment
            variables["EMPLOYEES_TEST_PORT"] = String(harness.client.port)
            variables["EMPLOYEES_TEST_MODE"] = mode
            variables["EMPLOYEES_TEST_USERNAME"] = email
            variables["EMPLOYEES_TEST_PASSWORD"] = Self.password
            variables["EMPLOYEES_TEST_EMP_NO"] = String(empNo)
            // Tokens issued in the second of the password change are refused; tokens minted in Python must say later.
            let notBefore = harness.service.context.principals.tokensNotBefore(empNo: Int64(empNo))
            variables["EMPLOYEES_TEST_TOKENS_NOT_BEFORE"] = String(Int(notBefore?.timeIntervalSince1970 ?? 0))
            variables.merge(extra) { $1 }
            let (status, output) = try await ChildProcess.run(["bash", Self.script.path], environment: variables)
            XCTAssertEqual(status, 0, "test_tokens.py (\(mode)) failed:\n\(output)")
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    private static func commandSucceeds(_ command: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

}
