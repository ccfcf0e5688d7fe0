import Employees
import Foundation
import HTTP
import Security
import TestSupport
import XCTest

@testable import App
@testable import Operations

/// Every registered route × every relevant caller, over HTTP. The expected outcome is computed here from the
/// route's `Access` declaration with an implication table written out independently of `ScopeSet`, so a route
/// added tomorrow is covered without touching this file, and a mistake in the middleware or in `ScopeSet` shows.
final class AuthorizationMatrixTests: XCTestCase {
    /// What each scope lets its holder do, as documented in README.md ("Authentication"), transitively expanded.
    static let grants: [Scope: Set<Scope>] = [
        .userRead: [.userRead],
        .userWrite: [.userWrite, .userRead],
        .adminRead: [.adminRead, .userRead],
        .adminWrite: [.adminWrite, .adminRead, .userWrite, .userRead],
        .auditRead: [.auditRead],
        .scopeGrant: [.scopeGrant],
        .superAll: Set(Scope.allCases),
    ]

    /// Routes anyone may call. A route that becomes public by mistake fails here; one that is meant to be
    /// public is added to this list in the same change.
    static let publicRoutes: Set<String> = [
        "GET /healthz", "GET /readyz", "GET /.well-known/jwks.json", "POST /auth/token", "POST /api/login", "POST /auth/revoke",
        "GET /metrics", "GET /openapi.json", "GET /.well-known/log-keys.json",
    ]

    enum Outcome: Equatable, CustomStringConvertible {
        case unauthorized, forbidden, allowed

        var description: String {
            switch self {
            case .unauthorized: "401"
            case .forbidden: "403"
            case .allowed: "allowed"
            }
        }
    }

    /// The outcome for a caller holding `held` (nil: no token) on a route declaring `access`, acting on their own
    /// record (`ownTarget` true), someone else's (false), or no record (nil).
    static func expected(_ access: Access, held: Set<Scope>?, ownTarget: Bool?) -> Outcome {
        if case .public = access { return .allowed }
        guard let held else { return .unauthorized }
        let effective = held.reduce(into: Set<Scope>()) { $0.formUnion(grants[$1] ?? []) }
        func allowedIf(_ required: ScopeSet) -> Outcome {
            Set(required.scopes).isSubset(of: effective) ? .allowed : .forbidden
        }
        switch access {
        case .public, .authenticated: return .allowed
        case .scopes(let required): return allowedIf(required)
        case .ownRecordOr(let own, let any): return allowedIf(ownTarget == true ? own : any)
        case .ownRecordOnly(let required): return ownTarget == true ? allowedIf(required) : .forbidden
        }
    }

    func testEveryRouteAnswersEveryCallerAsItsAccessDeclarationSays() async throws {
        let harness = try await ServiceHarness.start()
        do {
            try await runMatrix(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    private func runMatrix(_ harness: ServiceHarness) async throws {
        let routes = harness.service.routes
        XCTAssertFalse(routes.isEmpty)
        let declaredPublic = Set(
            routes.filter { if case .public = $0.route.access { true } else { false } }.map { "\($0.method) \($0.pattern)" })
        XCTAssertEqual(declaredPublic, Self.publicRoutes, "the set of public routes changed: is that intended?")

        var holders: [Scope: Int] = [:]
        for scope in Scope.allCases {
            holders[scope] = try await harness.makeEmployee(email: "matrix-\(scope.bit)@example.com", scopes: [scope])
        }
        let scopeless = try await harness.makeEmployee(email: "matrix-none@example.com")
        let other = try await harness.makeEmployee(email: "matrix-other@example.com")
        var callers: [(name: String, scopes: Set<Scope>?, empNo: Int?)] = [("anonymous", nil, nil), ("no scopes", [], scopeless)]
        callers += Scope.allCases.map { (name: $0.rawValue, scopes: [$0], empNo: holders[$0]) }

        var checked = 0
        for registered in routes {
            let targets: [Bool?] = registered.pattern.contains("{emp_no") ? [true, false] : [nil]
            let methods = registered.method == .GET ? ["GET", "HEAD"] : [registered.method.description]
            let mutating = !["GET", "HEAD"].contains(registered.method.description)
            for caller in callers {
                for ownTarget in targets {
                    var actor = caller.empNo
                    // Mutating one's own record (e.g. disabling oneself) could spoil later rows: use a fresh employee.
                    if mutating, ownTarget == true, let scopes = caller.scopes {
                        actor = try await harness.makeEmployee(email: "matrix-\(checked)@example.com", scopes: Array(scopes))
                    }
                    let target = ownTarget == true ? actor ?? other : other
                    let path = Self.concretePath(registered.pattern, empNo: target)
                    let expectation = Self.expected(
                        registered.route.access, held: caller.scopes, ownTarget: caller.scopes == nil ? nil : ownTarget)
                    for method in methods {
                        var headers: [(String, String)] = []
                        if let actor, let scopes = caller.scopes {
                            headers.append(("Authorization", "Bearer \(try harness.token(for: actor, scopes: Array(scopes)))"))
                        }
                        var body: [UInt8] = []
                        if mutating {
                            headers.append(("Content-Type", "application/json"))
                            body = Array("{}".utf8)
                        }
                        let response = try await harness.client.send(
                            method, path, headers: headers, body: body, headOnly: registered.route.operationID == "streamEvents")
                        let label =
                            "\(method) \(path) [\(registered.pattern)] as \(caller.name): expected \(expectation), got \(response.status)"
                        XCTAssertLessThan(response.status, 500, label)
                        switch expectation {
                        case .unauthorized: XCTAssertEqual(response.status, 401, label)
                        case .forbidden: XCTAssertEqual(response.status, 403, label)
                        case .allowed: XCTAssertFalse([401, 403].contains(response.status), label)
                        }
                        checked += 1
                    }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(checked, routes.count * callers.count, "every route met every caller")
    }

    /// The route's pattern with `{emp_no…}` replaced by `empNo` and any other parameter by a plausible value.
    static func concretePath(_ pattern: String, empNo: Int) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix("{") else { return String(segment) }
            if segment.hasPrefix("{emp_no") { return String(empNo) }
            return segment.contains(":int") ? "1" : "x"
        }.joined(separator: "/")
    }

    func testTheExpectationsFollowTheDocumentedRules() {
        XCTAssertEqual(Self.expected(.public, held: nil, ownTarget: nil), .allowed)
        XCTAssertEqual(Self.expected(.authenticated, held: nil, ownTarget: nil), .unauthorized)
        XCTAssertEqual(Self.expected(.authenticated, held: [], ownTarget: nil), .allowed)
        XCTAssertEqual(Self.expected(.scopes([.adminWrite]), held: [.adminRead], ownTarget: nil), .forbidden)
        XCTAssertEqual(Self.expected(.scopes([.adminRead]), held: [.adminWrite], ownTarget: nil), .allowed)
        XCTAssertEqual(
            Self.expected(.ownRecordOr(own: [.userRead], any: [.adminRead]), held: [.userRead], ownTarget: true), .allowed)
        XCTAssertEqual(
            Self.expected(.ownRecordOr(own: [.userRead], any: [.adminRead]), held: [.userRead], ownTarget: false), .forbidden)
        XCTAssertEqual(Self.expected(.ownRecordOnly([.userRead]), held: [.superAll], ownTarget: false), .forbidden)
        XCTAssertEqual(Self.expected(.scopes([.auditRead]), held: [.adminWrite], ownTarget: nil), .forbidden)
    }
}

extension Scope {
    /// A short distinct name for fixture emails (scope names contain `:` and `*`).
    fileprivate var bit: Int { Scope.allCases.firstIndex(of: self)! }
}
