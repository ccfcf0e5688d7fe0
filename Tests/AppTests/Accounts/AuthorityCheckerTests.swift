import Employees
import EventStore
import Foundation
import Security
import TestSupport
import XCTest

@testable import Accounts
@testable import App
@testable import EmployeesCLI
@testable import Operations
@testable import Records

/// `verify-log --authority` logic: given a log, which events were recorded by actors lacking the authority?
final class AuthorityCheckerTests: XCTestCase {
    /// Builds a log one event at a time, positions counting from 1, versions per stream.
    private struct LogBuilder {
        var events: [RecordedEvent] = []
        var versions: [String: Int] = [:]

        mutating func append(_ type: String, on empNo: Int, by actor: String?, data: [String: JSONValue] = [:]) {
            let stream = "employee-\(empNo)"
            let version = (versions[stream] ?? 0) + 1
            versions[stream] = version
            var metadata: [String: JSONValue] = ["scopes": .array([])]
            if let actor { metadata["principal"] = .string(actor) }
            events.append(
                RecordedEvent(
                    position: Int64(events.count + 1), streamID: StreamID(stream), streamVersion: version, id: UUID(), type: type,
                    schemaVersion: 1, data: .object(data), metadata: .object(metadata),
                    recordedAtMicroseconds: 1_700_000_000_000_000 + Int64(events.count), previousHash: [], hash: []))
        }

        mutating func create(_ empNo: Int, by actor: String = "system") {
            append(
                "EmployeeCreated", on: empNo, by: actor,
                data: [
                    "emp_no": .int(Int64(empNo)), "first_name": .string("Georgi"), "last_name": .string("Facello"),
                    "birth_date": .string("1953-09-02"), "gender": .string("M"), "hire_date": .string("1986-06-26"),
                    "email": .string("e\(empNo)@example.com"),
                ])
        }

        mutating func grant(_ scope: Scope, to empNo: Int, by actor: String = "system") {
            append("ScopeGranted", on: empNo, by: actor, data: ["scope": .string(scope.rawValue)])
        }

        mutating func revoke(_ scope: Scope, from empNo: Int, by actor: String = "system") {
            append("ScopeRevoked", on: empNo, by: actor, data: ["scope": .string(scope.rawValue)])
        }

        mutating func update(_ empNo: Int, by actor: String?) {
            append(
                "EmployeeUpdated", on: empNo, by: actor,
                data: ["first_name": .object(["previous": .string("Georgi"), "new": .string("Jorge")])])
        }

        func check() -> AuthorityChecker {
            var checker = AuthorityChecker()
            for event in events { checker.check(event) }
            return checker
        }
    }

    private func violations(_ log: LogBuilder) -> [(Int64, AuthorityChecker.Violation.Reason)] {
        log.check().violations.map { ($0.position, $0.reason) }
    }

    func testTheSystemMayDoEverythingAndACleanLogHasNoViolation() {
        var log = LogBuilder()
        log.create(1)
        log.grant(.adminWrite, to: 1)
        log.append("EmployeeDisabled", on: 1, by: "system")
        log.append("EmployeeEnabled", on: 1, by: "system")
        log.append("PasswordChanged", on: 1, by: "system")
        log.create(2, by: "employee:1")
        log.update(2, by: "employee:1")
        log.append("PasswordChanged", on: 2, by: "employee:1")
        let checker = log.check()
        XCTAssertEqual(checker.eventsChecked, 8)
        XCTAssertTrue(checker.violations.isEmpty, "\(checker.violations)")
    }

    func testOwnRecordNeedsUserWriteAnotherRecordNeedsAdminWrite() {
        var log = LogBuilder()
        log.create(1)
        log.create(2)
        log.update(2, by: "employee:2")  // 3: no scopes at all
        log.grant(.userWrite, to: 2)
        log.update(2, by: "employee:2")  // 5: own record with user:write
        log.append("PasswordChanged", on: 2, by: "employee:2")  // 6: own password
        log.update(1, by: "employee:2")  // 7: someone else's record
        log.append("PasswordChanged", on: 1, by: "employee:2")  // 8: someone else's password
        let found = violations(log)
        XCTAssertEqual(found.map(\.0), [3, 7, 8])
        XCTAssertEqual(found[0].1, .missingScopes([.userWrite]))
        XCTAssertEqual(found[1].1, .missingScopes([.adminWrite]))
        XCTAssertEqual(found[2].1, .missingScopes([.adminWrite]))
    }

    func testImplicationCountsAndRevocationBitesFromItsPosition() {
        var log = LogBuilder()
        log.create(1)
        log.create(2)
        log.grant(.superAll, to: 1)
        log.grant(.adminRead, to: 2, by: "employee:1")  // 4: super:* implies scope:grant
        log.update(2, by: "employee:1")  // 5: super:* implies admin:write
        log.revoke(.superAll, from: 1)
        log.grant(.adminWrite, to: 1)
        log.append("EmployeeDisabled", on: 2, by: "employee:1")  // 8: admin:write suffices
        log.revoke(.adminRead, from: 2, by: "employee:1")  // 9: admin:write does not imply scope:grant
        log.revoke(.adminWrite, from: 1)
        log.update(2, by: "employee:1")  // 11: revoked at 10
        let found = violations(log)
        XCTAssertEqual(found.map(\.0), [9, 11])
        XCTAssertEqual(found[0].1, .missingScopes([.scopeGrant]))
        XCTAssertEqual(found[1].1, .missingScopes([.adminWrite]))
    }

    func testChangingWhoCanActAsAStrongerAccountIsAViolationAtItsPosition() {
        var log = LogBuilder()
        log.create(1)  // the weaker admin
        log.grant(.adminWrite, to: 1)
        log.create(2)  // the stronger account
        log.grant(.superAll, to: 2)
        log.append("PasswordChanged", on: 2, by: "employee:1")  // 5: takeover
        log.append("EmployeeDisabled", on: 2, by: "employee:1")  // 6: lockout
        log.append("EmployeeEnabled", on: 2, by: "employee:1")  // 7
        log.grant(.scopeGrant, to: 1)
        log.revoke(.superAll, from: 2, by: "employee:1")  // 9: stripping it
        log.revoke(.superAll, from: 2)  // 10: the system may
        log.grant(.userWrite, to: 2)
        log.append("PasswordChanged", on: 2, by: "employee:1")  // 12: admin:write covers user:write now
        log.append("EmployeeDisabled", on: 2, by: "employee:1")  // 13
        log.append("PasswordChanged", on: 1, by: "employee:1")  // 14: one's own, proven by the current password
        log.grant(.auditRead, to: 2)
        log.append("EmployeeEnabled", on: 2, by: "employee:1")  // 16: audit:read is beyond admin:write
        let found = violations(log)
        XCTAssertEqual(found.map(\.0), [5, 6, 7, 9, 16])
        XCTAssertEqual(found[0].1, .subjectHoldsMore([.superAll]))
        XCTAssertEqual(found[3].1, .subjectHoldsMore([.superAll]))
        XCTAssertEqual(found[4].1, .subjectHoldsMore([.auditRead]))
        let text = AuthorityReportText.render(log.check())
        XCTAssertTrue(
            text.contains(
                "VIOLATION: position 5: employee:1 recorded PasswordChanged on employee-2, an account holding super:* the actor lacked"
            ),
            text)
    }

    func testCreatingNeedsAdminWriteEvenWithEverythingElse() {
        var log = LogBuilder()
        log.create(1)
        log.grant(.adminRead, to: 1)
        log.grant(.scopeGrant, to: 1)
        log.grant(.auditRead, to: 1)
        log.create(2, by: "employee:1")
        XCTAssertEqual(violations(log).map(\.0), [5])
        XCTAssertEqual(violations(log).first?.1, .missingScopes([.adminWrite]))
    }

    func testDisabledUnknownAndUnidentifiedActors() {
        var log = LogBuilder()
        log.create(1)
        log.grant(.adminWrite, to: 1)
        log.append("EmployeeDisabled", on: 1, by: "system")
        log.create(2, by: "employee:1")  // 4: disabled
        log.append("EmployeeEnabled", on: 1, by: "system")
        log.update(2, by: "employee:1")  // 6: fine again
        log.update(2, by: "employee:99")  // 7: nobody
        log.update(2, by: "root")  // 8: not a principal
        log.update(2, by: nil)  // 9: no principal
        log.update(2, by: "employee:-1")  // 10
        log.append("EmployeeFired", on: 2, by: "employee:1")  // 11: no command produces this
        let found = violations(log)
        XCTAssertEqual(found.map(\.0), [4, 7, 8, 9, 10, 11])
        XCTAssertEqual(
            found.map(\.1),
            [.actorDisabled, .unknownActor, .unidentifiedActor, .unidentifiedActor, .unidentifiedActor, .unknownEventType])
    }

    func testTheReportNamesPositionActorTypeAndMissingScope() {
        var log = LogBuilder()
        log.create(1)
        log.create(2)
        log.update(1, by: "employee:2")
        let checker = log.check()
        let text = AuthorityReportText.render(checker)
        XCTAssertTrue(
            text.contains("VIOLATION: position 3: employee:2 recorded EmployeeUpdated on employee-1 without admin:write"), text)
        XCTAssertTrue(text.contains("1 of 3 events"), text)
        XCTAssertTrue(AuthorityReportText.render(AuthorityChecker()).contains("authority intact"))
    }

    func testPrincipalsAreParsedStrictly() {
        XCTAssertEqual(AuthorityChecker.employeeNumber(ofPrincipal: "employee:10001"), 10001)
        XCTAssertNil(AuthorityChecker.employeeNumber(ofPrincipal: "employee:"))
        XCTAssertNil(AuthorityChecker.employeeNumber(ofPrincipal: "employee:1x"))
        XCTAssertNil(AuthorityChecker.employeeNumber(ofPrincipal: "employee:٣"))
        XCTAssertNil(AuthorityChecker.employeeNumber(ofPrincipal: "employee:0"))
        XCTAssertNil(AuthorityChecker.employeeNumber(ofPrincipal: "system"))
    }
}

/// `employees verify-log --authority` end to end, over the database of a running service.
final class VerifyLogAuthorityTests: XCTestCase {
    func testExitsOneOnceTheLogHoldsAnEventItsActorWasNotEntitledTo() async throws {
        let harness = try await ServiceHarness.start()
        do {
            let cluster = try TestCluster.shared()
            let url =
                "host=\(cluster.socketDirectory) port=\(cluster.settings.port) user=postgres dbname=\(harness.database.database)"
            let dataDirectory = try TestCluster.makeTemporaryFolder()
            let reader = try await harness.makeEmployee(email: "reader@example.com", scopes: [.userRead])
            let other = try await harness.makeEmployee(email: "other@example.com")
            let verifyChain = ["verify-log", "--database-url", url, "--data-dir", dataDirectory]
            let verifyAuthority = verifyChain + ["--authority"]
            var status = await Entrypoint.run(arguments: verifyAuthority, environment: [:])
            XCTAssertEqual(status, 0, "events recorded by the system only")

            // The API refuses this (403); appending it behind the API's back is what the audit must catch.
            let mallory = Actor(principal: "employee:\(reader)", scopes: ["user:read"], requestID: nil, idempotencyKey: nil)
            _ = try await harness.service.context.commands.execute(
                .update(EmployeeChanges(firstName: "Mallory")), on: try XCTUnwrap(EmployeeNumber(other)), by: mallory)
            status = await Entrypoint.run(arguments: verifyAuthority, environment: [:])
            XCTAssertEqual(status, 1, "an update of another's record with user:read only")
            status = await Entrypoint.run(arguments: verifyChain, environment: [:])
            XCTAssertEqual(status, 0, "the chain itself is intact: without --authority the check passes")
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}
