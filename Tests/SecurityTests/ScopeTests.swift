import Security
import XCTest

final class ScopeTests: XCTestCase {
    func testClosureTable() {
        let expected: [Scope: Set<Scope>] = [
            .userRead: [.userRead],
            .userWrite: [.userWrite, .userRead],
            .adminRead: [.adminRead, .userRead],
            .adminWrite: [.adminWrite, .userRead, .userWrite, .adminRead],
            .auditRead: [.auditRead],
            .scopeGrant: [.scopeGrant],
            .superAll: Set(Scope.allCases),
        ]
        for scope in Scope.allCases {
            XCTAssertEqual(Set(ScopeSet([scope]).closure.scopes), expected[scope], "closure of \(scope.rawValue)")
        }
    }

    func testClosureIsOrderIndependentAndIdempotent() {
        let forwards = ScopeSet([.adminWrite, .auditRead])
        let backwards = ScopeSet([.auditRead, .adminWrite])
        XCTAssertEqual(forwards, backwards)
        XCTAssertEqual(forwards.closure, backwards.closure)
        XCTAssertEqual(forwards.closure.closure, forwards.closure)
    }

    func testSatisfiesIsAllOf() {
        let granted: ScopeSet = [.adminRead]
        XCTAssertTrue(granted.satisfies(.userRead))
        XCTAssertTrue(granted.satisfies([.userRead, .adminRead]))
        XCTAssertFalse(granted.satisfies([.userRead, .userWrite]))
        XCTAssertFalse(granted.satisfies(.auditRead))
        XCTAssertTrue(ScopeSet([.superAll]).satisfies(ScopeSet(Scope.allCases)))
        XCTAssertTrue(ScopeSet.empty.satisfies(.empty))
        XCTAssertFalse(ScopeSet.empty.satisfies(.userRead))
    }

    func testParsingAndPrinting() {
        XCTAssertEqual(ScopeSet(spaceDelimited: "user:write user:read"), [.userRead, .userWrite])
        XCTAssertEqual(ScopeSet(spaceDelimited: "")?.isEmpty, true)
        XCTAssertNil(ScopeSet(spaceDelimited: "user:read  user:write"))
        XCTAssertNil(ScopeSet(spaceDelimited: " user:read"))
        XCTAssertNil(ScopeSet(spaceDelimited: "user:read\tuser:write"))
        XCTAssertNil(ScopeSet(spaceDelimited: "user:delete"))
        XCTAssertNil(ScopeSet(spaceDelimited: "USER:READ"))
        XCTAssertEqual(ScopeSet([.superAll, .userRead]).spaceDelimited, "user:read super:*")
    }

    func testRoleBundles() {
        XCTAssertEqual(Role.employee.scopes.closure, [.userRead])
        XCTAssertEqual(Role.manager.scopes.closure, [.userRead, .userWrite])
        XCTAssertEqual(Role.admin.scopes.closure, [.userRead, .userWrite, .adminRead, .adminWrite, .scopeGrant])
        XCTAssertEqual(Role.auditor.scopes.closure, [.userRead, .adminRead, .auditRead])
        XCTAssertFalse(Role.auditor.scopes.satisfies(.userWrite))
        for role in Role.allCases { XCTAssertFalse(role.scopes.closure.contains(.superAll)) }
        XCTAssertEqual(Role.scopes(for: [.employee, .auditor]), [.userRead, .adminRead, .auditRead])
    }
}
