import Crypto
import EventStore
import Foundation
import Postgres
import Security
import TestSupport
import XCTest

@testable import App
@testable import EmployeesCLI

/// Signed checkpoints, exports and their offline verification, against a running service on a real database, with
/// an attacker who holds a superuser connection. Every verdict of `verify-export` is checked against the independent
/// Python verifier (`Tests/python/verify_log_export.py`, written from docs/LOG-EVIDENCE.md).
final class LogEvidenceTests: XCTestCase {
    static let pythonVerifier = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("python/verify_log_export.py").path

    /// A service signing with a key of the test's own (given as `EMPLOYEES_LOG_SIGNING_KEY`, so the command line uses
    /// it too), with the background schedule far away so that only the test decides where checkpoints stand.
    struct Fixture {
        let harness: ServiceHarness
        let key: Ed25519PrivateKey
        let environment: [String: String]
        let folder: String

        static func start(everyEvents: Int = 1_000_000) async throws -> Fixture {
            let key = Ed25519PrivateKey()
            let environment = [
                LogSigningKeyFile.environmentVariable: try key.pemRepresentation(),
                "EMPLOYEES_CHECKPOINT_EVERY_EVENTS": String(everyEvents), "EMPLOYEES_CHECKPOINT_EVERY_SECONDS": "3600",
            ]
            let harness = try await ServiceHarness.start(environment: environment)
            return Fixture(harness: harness, key: key, environment: environment, folder: try TestCluster.makeTemporaryFolder())
        }

        var keyID: String { LogSigningKeyFile.keyID(of: key.publicKey) }
        var signer: LogSigner { LogSigner(key: key, keyID: keyID) }

        func path(_ name: String) -> String { folder + "/" + name }

        /// Runs a subcommand that needs the database, as an operator would.
        func run(_ arguments: [String]) async -> Int32 {
            await Entrypoint.run(
                arguments: arguments + ["--database-url", harness.databaseURL, "--data-dir", folder + "/data"],
                environment: environment)
        }

        func expect(_ arguments: [String], _ status: Int32, _ message: String = "", line: UInt = #line) async {
            let actual = await run(arguments)
            XCTAssertEqual(actual, status, "\(arguments) \(message)", line: line)
        }

        func addEmployees(_ count: Int, prefix: String) async throws {
            for index in 0..<count { try await harness.makeEmployee(email: "\(prefix)-\(index)@example.com") }
        }

        func head() throws -> ChainHead {
            try EventReader.head(on: PostgresConnection.connect(to: harness.database))
        }

        /// `GET /.well-known/log-keys.json`, saved where an auditor would keep it.
        func saveKeys(_ name: String = "log-keys.json") async throws -> String {
            let response = try await harness.client.send("GET", "/.well-known/log-keys.json")
            XCTAssertEqual(response.status, 200)
            try Data(response.body).write(to: URL(fileURLWithPath: path(name)))
            return path(name)
        }

        func export(_ name: String, extra: [String] = []) async throws -> String {
            await expect(["export-log", path(name)] + extra, 0)
            return path(name)
        }

        func stop() async { await harness.stop() }
    }

    // MARK: - Attacks

    func testRewrittenHistoryPassesTheChainButNotTheCheckpointsNorAnOlderExport() async throws {
        let fixture = try await Fixture.start()
        do {
            try await fixture.addEmployees(4, prefix: "before")
            await fixture.expect(["checkpoint"], 0)
            let firstCheckpoint = try fixture.head().position
            try await fixture.addEmployees(3, prefix: "after")
            await fixture.expect(["checkpoint"], 0)
            let keys = try await fixture.saveKeys()
            let before = try await fixture.export("before.ndjson")
            await fixture.expect(["verify-log"], 0)
            try await expectBoth(before, keys: keys, valid: true)

            try Attacker(database: fixture.harness.database).rewrite(position: 2)

            let pool = PostgresPool(configuration: fixture.harness.database, maximumConnections: 1)
            let chain = try await ChainVerifier(pool: pool).verify()
            XCTAssertTrue(chain.isIntact, "the attacker recomputed every later hash and the head: the chain alone passes")
            let audit = try await CheckpointAudit(pool: pool).run()
            await pool.shutdown()
            XCTAssertEqual(audit.firstProblem?.checkpoint.position, firstCheckpoint)
            XCTAssertTrue(audit.firstProblem?.reason.contains("rewritten") == true, "\(String(describing: audit.firstProblem))")
            XCTAssertTrue(CheckpointReportText.render(audit).contains("BROKEN: checkpoint at position \(firstCheckpoint)"))
            await fixture.expect(["verify-log"], 1, "verify-log checks the stored checkpoints too")

            // The export taken now still carries the signed checkpoints, which the rewritten chain contradicts.
            let after = try await fixture.export("after.ndjson")
            try await expectBoth(after, keys: keys, valid: false, position: firstCheckpoint)

            // A thorough attacker also removes the checkpoints: the new export then verifies on its own, but not
            // against the one the auditor took before, in either direction.
            try Attacker(database: fixture.harness.database).deleteCheckpoints(from: 2)
            let cleaned = try await fixture.export("cleaned.ndjson")
            try await expectBoth(cleaned, keys: keys, valid: true)
            try await expectBoth(cleaned, keys: keys, against: before, valid: false, position: firstCheckpoint)
            try await expectBoth(before, keys: keys, against: cleaned, valid: false)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    func testTruncationIsDetectedAgainstALaterCheckpoint() async throws {
        let fixture = try await Fixture.start()
        do {
            try await fixture.addEmployees(5, prefix: "truncate")
            await fixture.expect(["checkpoint"], 0)
            let signed = try fixture.head().position
            let keys = try await fixture.saveKeys()
            let before = try await fixture.export("before.ndjson")
            let checkpoints = try await savedCheckpoints(fixture)

            try Attacker(database: fixture.harness.database).truncate(keeping: signed - 2)

            let pool = PostgresPool(configuration: fixture.harness.database, maximumConnections: 1)
            let chain = try await ChainVerifier(pool: pool).verify()
            XCTAssertTrue(chain.isIntact, "what is left still chains")
            let audit = try await CheckpointAudit(pool: pool).run()
            await pool.shutdown()
            XCTAssertEqual(audit.firstProblem?.checkpoint.position, signed)
            XCTAssertTrue(audit.firstProblem?.reason.contains("truncated") == true, "\(String(describing: audit.firstProblem))")
            await fixture.expect(["verify-log"], 1)

            // An export of the whole log carries the checkpoints beyond the moved head: it fails on its own. One that
            // stops at the head (--to) verifies alone, but not against evidence the auditor kept.
            let after = try await fixture.export("after.ndjson")
            try await expectBoth(after, keys: keys, valid: false, position: signed)
            let upToHead = try await fixture.export("up-to-head.ndjson", extra: ["--to", String(signed - 2)])
            try await expectBoth(upToHead, keys: keys, valid: true)
            try await expectBoth(upToHead, keys: keys, against: before, valid: false, position: signed)
            try await expectBoth(upToHead, keys: keys, against: checkpoints, valid: false, position: signed)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    func testForgedCheckpointsAreRefused() async throws {
        let fixture = try await Fixture.start()
        do {
            try await fixture.addEmployees(3, prefix: "forge")
            await fixture.expect(["checkpoint"], 0)
            let keys = try await fixture.saveKeys()
            let genuine = try await fixture.export("genuine.ndjson")
            try await expectBoth(genuine, keys: keys, valid: true)
            let lines = try String(contentsOfFile: genuine, encoding: .utf8).split(separator: "\n").map(String.init)
            let checkpointLine = try XCTUnwrap(lines.last)
            XCTAssertTrue(checkpointLine.hasPrefix(#"{"record":"checkpoint""#))
            let position = try fixture.head().position

            // One changed byte of what was signed (the signing time), or of the signature itself.
            let signedAt = try XCTUnwrap(checkpointLine.range(of: #""signed_at_us":"#)).upperBound
            var changedTime = checkpointLine
            let digit = changedTime.index(signedAt, offsetBy: 3)
            changedTime.replaceSubrange(digit...digit, with: changedTime[digit] == "1" ? "2" : "1")
            try await expectForged(
                replacing: checkpointLine, with: changedTime, in: lines, keys: keys, position: position, fixture)
            let signature = try XCTUnwrap(checkpointLine.range(of: #""signature":""#)).upperBound
            var changedSignature = checkpointLine
            changedSignature.replaceSubrange(signature...signature, with: checkpointLine[signature] == "A" ? "B" : "A")
            try await expectForged(
                replacing: checkpointLine, with: changedSignature, in: lines, keys: keys, position: position, fixture)

            // Signed with another key: unknown to the auditor, or claiming the real key's id.
            let stranger = LogSigner(key: Ed25519PrivateKey(), keyID: "stranger")
            let head = try fixture.head()
            let recordedAt = try XCTUnwrap(
                Int64(
                    try XCTUnwrap(
                        lines[lines.count - 2].components(separatedBy: #""recorded_at_us":"#).last?.prefix { $0.isNumber })))
            let foreign = try stranger.sign(position: head.position, hash: head.hash, recordedAtMicroseconds: recordedAt)
            let foreignLine = String(decoding: foreign.ndjsonLine.dropLast(), as: UTF8.self)
            try await expectForged(
                replacing: checkpointLine, with: foreignLine, in: lines, keys: keys, position: position, fixture)
            let impostor = LogSigner(key: Ed25519PrivateKey(), keyID: fixture.keyID)
            let impostorLine = String(
                decoding: try impostor.sign(position: head.position, hash: head.hash, recordedAtMicroseconds: recordedAt)
                    .ndjsonLine.dropLast(),
                as: UTF8.self)
            try await expectForged(
                replacing: checkpointLine, with: impostorLine, in: lines, keys: keys, position: position, fixture)

            // A genuine signature made after the key's validity ended (as published) is refused as well.
            let jwks = try String(contentsOfFile: keys, encoding: .utf8)
            let retired = jwks.replacingOccurrences(
                of: #""valid_until":null"#, with: #""valid_until":"2000-01-01T00:00:00.000000Z""#
            )
            .replacing(#/"valid_from":"[^"]*"/#, with: #""valid_from":"1999-01-01T00:00:00.000000Z""#)
            try retired.write(toFile: fixture.path("retired-keys.json"), atomically: true, encoding: .utf8)
            try await expectBoth(genuine, keys: fixture.path("retired-keys.json"), valid: false, position: position)

            // In the database: an attacker who alters a stored signature is caught by verify-log.
            try Attacker(database: fixture.harness.database).flipSignatureBit(position: position)
            await fixture.expect(["verify-log"], 1)
            await fixture.expect(["verify-log", "--keys", keys], 1)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    private func expectForged(
        replacing original: String, with forged: String, in lines: [String], keys: String, position: Int64, _ fixture: Fixture
    ) async throws {
        let path = fixture.path("forged-\(UUID().uuidString).ndjson")
        try (lines.map { $0 == original ? forged : $0 }.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        try await expectBoth(path, keys: keys, valid: false, position: position)
    }

    // MARK: - Checkpoints, keys and the export over HTTP

    func testTheServiceSignsEveryNEventsAndAfterTSecondsWhileEventsArrive() async throws {
        let fixture = try await Fixture.start()
        do {
            let pool = fixture.harness.service.context.pool
            let checkpointer = LogCheckpointer(
                pool: pool, signer: fixture.signer, schedule: .init(everyEvents: 3, everySeconds: 60))
            let empty = try await checkpointer.tick()
            XCTAssertEqual(empty, [], "an empty log has nothing to sign")
            try await fixture.addEmployees(7, prefix: "schedule")
            let head = try fixture.head().position
            XCTAssertGreaterThanOrEqual(head, 7)
            let multiples = Array(stride(from: Int64(3), through: head, by: 3))
            let first = try await checkpointer.tick()
            XCTAssertEqual(first, multiples, "every 3 events; the rest has not waited 60 s yet")
            let later = UnixMicroseconds.now() + 61_000_000
            let expected = head % 3 == 0 ? [] : [head]
            let second = try await checkpointer.tick(now: later)
            XCTAssertEqual(second, expected, "the head once its oldest unsigned event waited")
            let third = try await checkpointer.tick(now: later)
            XCTAssertEqual(third, [], "nothing while no events arrive")
            let stored = try await LogCheckpointStore(pool: pool).checkpoints(after: 0, limit: 100)
            XCTAssertEqual(stored.map(\.position), head % 3 == 0 ? multiples : multiples + [head])
            let keys = try await LogCheckpointStore(pool: pool).keys()
            XCTAssertTrue(stored.allSatisfy { $0.isValid(under: keys) })

            // Rotation: a new key ends the old one's validity; the old checkpoints still verify; the old key can no
            // longer be registered (it would sign checkpoints nobody accepts).
            let newer = LogSigner(key: Ed25519PrivateKey(), keyID: "rotated")
            try await LogCheckpointStore(pool: pool).register(newer)
            let rotated = try await LogCheckpointStore(pool: pool).keys()
            XCTAssertEqual(rotated.keys.map(\.keyID), [fixture.keyID, "rotated"])
            XCTAssertNotNil(rotated[fixture.keyID]?.validUntilMicroseconds)
            XCTAssertNil(rotated["rotated"]?.validUntilMicroseconds)
            XCTAssertTrue(stored.allSatisfy { $0.isValid(under: rotated) })
            do {
                try await LogCheckpointStore(pool: pool).register(fixture.signer)
                XCTFail("a retired key was registered again")
            } catch let error as LogSigningKeyError {
                guard case .retired(let keyID, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(keyID, fixture.keyID)
            }
            let stillSigning = LogCheckpointer(
                pool: pool, signer: fixture.signer, schedule: .init(everyEvents: 1, everySeconds: 1))
            try await fixture.addEmployees(1, prefix: "after-rotation")
            do {
                try await stillSigning.tick()
                XCTFail("an instance still holding the retired key signed a checkpoint")
            } catch let error as LogSigningKeyError {
                guard case .retired = error else { return XCTFail("\(error)") }
            }
            let published = try await fixture.harness.client.send("GET", "/.well-known/log-keys.json")
            XCTAssertEqual(try LogKeySet(jwksJSON: published.body), rotated)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    func testTheStoredEvidenceIsAppendOnlyForTheService() async throws {
        let fixture = try await Fixture.start()
        do {
            try await fixture.addEmployees(1, prefix: "append-only")
            await fixture.expect(["checkpoint"], 0)
            let connection = try PostgresConnection.connect(to: fixture.harness.database)
            for statement: PostgresQuery in [
                "UPDATE log_checkpoints SET signed_at_us = 0", "DELETE FROM log_checkpoints", "TRUNCATE log_checkpoints",
                "DELETE FROM log_signing_keys", "UPDATE log_signing_keys SET public_key = public_key",
            ] {
                XCTAssertThrowsError(try connection.execute(statement), "\(statement)") { error in
                    XCTAssertEqual((error as? PostgresError)?.code, .insufficientPrivilege, "\(statement)")
                }
            }
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    func testTheHTTPExportIsTheCLIExportStreamedResumableAndGzipped() async throws {
        let fixture = try await Fixture.start()
        do {
            try await fixture.addEmployees(4, prefix: "http")
            await fixture.expect(["checkpoint"], 0)
            let auditor = try await fixture.harness.makeEmployee(email: "auditor@example.com", scopes: [.auditRead])
            await fixture.expect(["checkpoint"], 0)
            let head = try fixture.head().position
            let file = try await fixture.export("cli.ndjson", extra: ["--to", String(head)])
            let expected = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            let token = try fixture.harness.token(for: auditor, scopes: [.auditRead])
            let authorization = [("Authorization", "Bearer \(token)")]

            let plain = try await fixture.harness.client.send("GET", "/events/export?to=\(head)", headers: authorization)
            XCTAssertEqual(plain.status, 200)
            XCTAssertEqual(plain.header("Content-Type"), "application/x-ndjson")
            XCTAssertNil(plain.header("Content-Encoding"))
            XCTAssertEqual(plain.body, expected)

            let lines = plain.text.split(separator: "\n", omittingEmptySubsequences: false)
            let resumed = try await fixture.harness.client.send(
                "GET", "/events/export?to=\(head)&after=2", headers: authorization)
            XCTAssertEqual(
                resumed.text, lines.dropFirst(2).joined(separator: "\n"), "events after position 2, then every checkpoint")

            let gzipped = try await fixture.harness.client.send(
                "GET", "/events/export?to=\(head)", headers: authorization + [("Accept-Encoding", "br;q=1, gzip;q=0.5")])
            XCTAssertEqual(gzipped.header("Content-Encoding"), "gzip")
            XCTAssertEqual(try Self.gunzip(gzipped.body, folder: fixture.folder), expected)

            let checkpoints = try await fixture.harness.client.send("GET", "/events/checkpoints", headers: authorization)
            XCTAssertEqual(checkpoints.status, 200)
            let checkpointLines = checkpoints.text.split(separator: "\n")
            XCTAssertEqual(checkpointLines.count, 2)
            XCTAssertEqual(Array(lines.suffix(3).prefix(2)), checkpointLines, "the export ends with the checkpoints")
            let later = try await fixture.harness.client.send(
                "GET", "/events/checkpoints?after=\(head - 1)", headers: authorization)
            XCTAssertEqual(later.text.split(separator: "\n"), Array(checkpointLines.suffix(1)))

            let bad = try await fixture.harness.client.send("GET", "/events/export?from=0", headers: authorization)
            XCTAssertEqual(bad.status, 400)
            let keys = try await fixture.harness.client.send("GET", "/.well-known/log-keys.json")
            XCTAssertEqual(keys.header("Content-Type"), "application/jwk-set+json")
            let set = try LogKeySet(jwksJSON: keys.body)
            XCTAssertEqual(set.keys.map(\.keyID), [fixture.keyID])
            XCTAssertEqual(set.keys.first?.publicKey, fixture.key.publicKey)
            XCTAssertNil(set.keys.first?.validUntilMicroseconds)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    func testAnExportOfARangeVerifiesAndTheCLIRefusesNonsense() async throws {
        let fixture = try await Fixture.start(everyEvents: 2)
        do {
            try await fixture.addEmployees(6, prefix: "range")
            // Text the export must carry byte for byte: quotes, backslashes, control characters, non-ASCII, astral.
            let tricky = "\"quoted\" back\\slash \u{01}\u{1F} tab\t newline\n é 漢字 😀 </script> \u{2028}"
            // (An appender of its own without projections: the employee projection knows only employee streams.)
            _ = try await BatchingAppender(pool: fixture.harness.service.context.pool, projections: []).append(
                AppendRequest(
                    stream: StreamID("evidence-tricky"), expectedVersion: .noStream,
                    events: [
                        NewEvent(
                            type: "TrickyText", data: .object(["text": .string(tricky), "list": .array([.int(-1), .null])]))
                    ],
                    metadata: .object(["note": .string(tricky)])))
            await fixture.expect(["checkpoint"], 0)
            let keys = try await fixture.saveKeys()
            let part = try await fixture.export("part.ndjson", extra: ["--from", "3", "--to", "5"])
            let text = try String(contentsOfFile: part, encoding: .utf8)
            XCTAssertEqual(text.split(separator: "\n").filter { $0.hasPrefix(#"{"record":"event""#) }.count, 3)
            try await expectBoth(part, keys: keys, valid: true)
            let whole = try await fixture.export("whole.ndjson")
            try await expectBoth(whole, keys: keys, against: part, valid: true)
            await fixture.expect(["export-log", fixture.path("x"), "--from", "0"], 2)
            let withoutKeys = await Entrypoint.run(arguments: ["verify-export", whole], environment: [:])
            XCTAssertEqual(withoutKeys, 2, "--keys is required")
            let missing = await Entrypoint.run(
                arguments: ["verify-export", fixture.path("missing"), "--keys", keys], environment: [:])
            XCTAssertEqual(missing, 1)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    // MARK: - Both verifiers

    /// Runs `verify-export` (the command, and the verifier for its report) and the Python verifier on the same files,
    /// and requires both to reach the expected verdict, naming the same position when one is expected.
    private func expectBoth(
        _ file: String, keys: String, against older: String? = nil, valid: Bool, position: Int64? = nil,
        line: UInt = #line
    ) async throws {
        var arguments = ["verify-export", file, "--keys", keys]
        if let older { arguments += ["--against", older] }
        let status = await Entrypoint.run(arguments: arguments, environment: [:])
        XCTAssertEqual(status, valid ? 0 : 1, "verify-export \(arguments)", line: line)
        let report = try ExportVerifier(keys: try LogKeySet(jwksJSON: Array(Data(contentsOf: URL(fileURLWithPath: keys)))))
            .verify(path: file, against: older)
        XCTAssertEqual(report.isValid, valid, "\(String(describing: report.failure))", line: line)
        if let position {
            XCTAssertEqual(report.failure?.position, position, "\(String(describing: report.failure))", line: line)
        }

        var python = ["python3", Self.pythonVerifier, file, "--keys", keys]
        if let older { python += ["--against", older] }
        let (pythonStatus, output) = try await ChildProcess.run(python)
        XCTAssertEqual(pythonStatus, valid ? 0 : 1, "Python verifier: \(output)", line: line)
        if let position { XCTAssertTrue(output.contains("position \(position):"), "Python verifier: \(output)", line: line) }
    }

    private func savedCheckpoints(_ fixture: Fixture) async throws -> String {
        let auditor = try await fixture.harness.makeEmployee(
            email: "saver-\(UUID().uuidString.prefix(8))@example.com", scopes: [.auditRead])
        await fixture.expect(["checkpoint"], 0)
        let token = try fixture.harness.token(for: auditor, scopes: [.auditRead])
        let response = try await fixture.harness.client.send(
            "GET", "/events/checkpoints", headers: [("Authorization", "Bearer \(token)")])
        XCTAssertEqual(response.status, 200)
        try Data(response.body).write(to: URL(fileURLWithPath: fixture.path("checkpoints.ndjson")))
        return fixture.path("checkpoints.ndjson")
    }

    static func gunzip(_ bytes: [UInt8], folder: String) throws -> [UInt8] {
        let path = folder + "/body-\(UUID().uuidString).gz"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "gzip -dc")
        return Array(output)
    }

}
