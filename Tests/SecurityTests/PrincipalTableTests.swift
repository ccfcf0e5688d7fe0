import Crypto
import Foundation
import Security
import XCTest

final class PrincipalTableTests: XCTestCase {
    let table = PrincipalTable()
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    private func apply(_ change: PrincipalUpdate.Change, at offset: TimeInterval, position: Int64, empNo: Int64 = 7) {
        table.apply(PrincipalUpdate(empNo: empNo, change: change, occurredAt: start + offset, position: position))
    }

    func testUnknownPrincipalHasNoScopes() {
        XCTAssertNil(table.effectiveScopes(empNo: 7, tokenScopes: [.userRead], issuedAt: start))
        XCTAssertNil(table.snapshot(empNo: 7))
    }

    func testEffectiveScopesIntersectClosures() {
        apply(.scopesSet([.adminRead]), at: 0, position: 1)
        XCTAssertEqual(table.effectiveScopes(empNo: 7, tokenScopes: [.adminWrite], issuedAt: start), [.adminRead, .userRead])
        XCTAssertEqual(table.effectiveScopes(empNo: 7, tokenScopes: [.userRead], issuedAt: start), [.userRead])
        XCTAssertEqual(table.effectiveScopes(empNo: 7, tokenScopes: [.auditRead], issuedAt: start), .empty)
        apply(.scopesSet([.superAll]), at: 10, position: 2)
        XCTAssertEqual(table.effectiveScopes(empNo: 7, tokenScopes: [.userRead], issuedAt: start), [.userRead])
    }

    func testPasswordChangeRevokesOlderTokensOnly() {
        apply(.scopesSet([.userRead]), at: 0, position: 1)
        apply(.passwordChanged, at: 100.4, position: 2)
        XCTAssertNil(table.effectiveScopes(empNo: 7, tokenScopes: [.userRead], issuedAt: start + 50))
        XCTAssertNil(table.effectiveScopes(empNo: 7, tokenScopes: [.userRead], issuedAt: start + 100), "same second")
        XCTAssertEqual(table.effectiveScopes(empNo: 7, tokenScopes: [.userRead], issuedAt: start + 101), [.userRead])
        XCTAssertEqual(table.tokensNotBefore(empNo: 7), start + 101)
    }

    func testASecondChangeWithinTheSameSecondRefusesATokenIssuedBetweenTheTwo() throws {
        let keys = JWTKeySet(signingKey: .ed25519(Ed25519PrivateKey()))
        let clock = TestClock(start + 100.2)
        let issuer = AccessTokenIssuer(keys: keys, issuer: "i", audience: "a", principals: table, now: clock.function)
        apply(.scopesSet([.userRead]), at: 0, position: 1)
        apply(.passwordChanged, at: 100.1, position: 2)
        let between = try issuer.issue(empNo: 7, clientID: "web", scopes: [.userRead])
        XCTAssertEqual(table.effectiveScopes(empNo: 7, tokenScopes: between.scopes, issuedAt: between.issuedAt), [.userRead])
        apply(.passwordChanged, at: 100.6, position: 3)
        XCTAssertNil(
            table.effectiveScopes(empNo: 7, tokenScopes: between.scopes, issuedAt: between.issuedAt),
            "issued with the first new password, before the second change")
        let after = try issuer.issue(empNo: 7, clientID: "web", scopes: [.userRead])
        XCTAssertEqual(table.effectiveScopes(empNo: 7, tokenScopes: after.scopes, issuedAt: after.issuedAt), [.userRead])
        XCTAssertEqual(after.issuedAt, start + 102, "stamped at the moved boundary, still within the verifier's leeway")

        apply(.passwordChanged, at: 100.6, position: 3)
        apply(.passwordChanged, at: 100.1, position: 2)
        apply(.disabled, at: 99.9, position: 4)
        XCTAssertEqual(table.tokensNotBefore(empNo: 7), start + 102, "repeated or older changes move nothing")

        let reordered = PrincipalTable()
        for (offset, position) in [(100.6, Int64(3)), (100.1, Int64(2)), (100.6, Int64(3))] {
            reordered.apply(PrincipalUpdate(empNo: 7, change: .passwordChanged, occurredAt: start + offset, position: position))
        }
        XCTAssertEqual(reordered.tokensNotBefore(empNo: 7), start + 102, "the same changes in another order agree")
    }

    func testDisableRefusesEverythingAndEnableOnlyNewerTokens() {
        apply(.scopesSet([.userRead]), at: 0, position: 1)
        apply(.disabled, at: 200, position: 2)
        XCTAssertNil(table.effectiveScopes(empNo: 7, tokenScopes: [.userRead], issuedAt: start + 500))
        XCTAssertEqual(table.snapshot(empNo: 7)?.isDisabled, true)
        apply(.enabled, at: 300, position: 3)
        XCTAssertNil(table.effectiveScopes(empNo: 7, tokenScopes: [.userRead], issuedAt: start + 150))
        XCTAssertEqual(table.effectiveScopes(empNo: 7, tokenScopes: [.userRead], issuedAt: start + 301), [.userRead])
    }

    func testOutOfOrderAndRepeatedDeliveryConverge() {
        apply(.scopesSet([.adminWrite]), at: 20, position: 5)
        apply(.enabled, at: 30, position: 6)
        apply(.scopesSet([.userRead]), at: 10, position: 3)
        apply(.disabled, at: 15, position: 4)
        apply(.scopesSet([.adminWrite]), at: 20, position: 5)
        let snapshot = table.snapshot(empNo: 7)
        XCTAssertEqual(snapshot?.scopes, [.adminWrite])
        XCTAssertEqual(snapshot?.isDisabled, false)
        XCTAssertEqual(snapshot?.lastAppliedPosition, 6)
        XCTAssertEqual(snapshot?.tokensNotBefore, start + 16)
    }

    func testRemovalIsFinal() {
        apply(.scopesSet([.userRead]), at: 0, position: 1)
        apply(.removed, at: 10, position: 2)
        apply(.scopesSet([.userRead]), at: 5, position: 3)
        apply(.enabled, at: 20, position: 4)
        XCTAssertNil(table.effectiveScopes(empNo: 7, tokenScopes: [.userRead], issuedAt: start + 100))
    }

    func testIssuerStampsTokensAfterTheRevocationBoundary() throws {
        let keys = JWTKeySet(signingKey: .ed25519(Ed25519PrivateKey()))
        let clock = TestClock(start + 100.2)
        let issuer = AccessTokenIssuer(keys: keys, issuer: "i", audience: "a", principals: table, now: clock.function)
        apply(.scopesSet([.userRead]), at: 0, position: 1)
        let before = try issuer.issue(empNo: 7, clientID: "web", scopes: [.userRead])
        apply(.passwordChanged, at: 100.5, position: 2)
        let after = try issuer.issue(empNo: 7, clientID: "web", scopes: [.userRead])
        XCTAssertNil(table.effectiveScopes(empNo: 7, tokenScopes: before.scopes, issuedAt: before.issuedAt))
        XCTAssertEqual(table.effectiveScopes(empNo: 7, tokenScopes: after.scopes, issuedAt: after.issuedAt), [.userRead])
        let verifier = AccessTokenVerifier(keys: keys, issuer: "i", audience: "a", now: clock.function)
        XCTAssertEqual(try verifier.verify(after.token).issuedAt, start + 101)
    }

    func testConcurrentApplyAndLookup() async {
        let table = self.table
        let start = self.start
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in 0..<500 {
                        let empNo = Int64(index % 50)
                        table.apply(
                            PrincipalUpdate(
                                empNo: empNo, change: .scopesSet([.userRead]), occurredAt: start,
                                position: Int64(worker * 1000 + index)))
                        _ = table.effectiveScopes(empNo: empNo, tokenScopes: [.userRead], issuedAt: start)
                    }
                }
            }
        }
        for empNo in 0..<50 {
            XCTAssertEqual(table.effectiveScopes(empNo: Int64(empNo), tokenScopes: [.userRead], issuedAt: start), [.userRead])
        }
    }
}

extension Date {
    fileprivate static func + (date: Date, seconds: TimeInterval) -> Date { date.addingTimeInterval(seconds) }
}
